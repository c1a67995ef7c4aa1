/**
 * `?watch=true`: a chunked stream of `{"type":…,"object":…}` lines (Content-Type
 * `application/json;stream=watch`), objects in the requested version and representation and of
 * the ITEM kind (kubectl fails to decode list kinds in events). A compacted resourceVersion is
 * answered the way kube does it: 200, then one ERROR event carrying a 410 Status. The store
 * watch is stopped on timeout, on client disconnect and when the store ends the stream.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { GoneError, isDocketError, type ReportObject } from '@docket/model';
import type { Watch, WatchEvent } from '@docket/store';
import { negotiate, type Representation } from './negotiate.ts';
import { watchOptionsOf } from './list-options.ts';
import { parseIncludeObject, parseNonNegativeInt, type IncludeObjectPolicy } from './query.ts';
import { apiVersionOf, refOf, type RequestScope } from './scope.ts';
import { toStatus } from './status.ts';
import { tableEvent, toPartial, toWire } from './render.ts';
import type { HandlerContext } from './context.ts';

export const WATCH_CONTENT_TYPE = 'application/json;stream=watch';

/** kube spreads watch lifetimes over [30, 60) minutes so reconnects do not all happen together. */
export function defaultWatchTimeoutSeconds(random: () => number = Math.random): number {
  return 1800 + Math.floor(random() * 1800);
}

/** Renders one store event as the object the client asked for. */
export function eventObject(ev: WatchEvent, scope: RequestScope, rep: Representation, includeObject: IncludeObjectPolicy, first: boolean, now: Date): unknown {
  const hub: ReportObject = ev.object;
  switch (rep.kind) {
    case 'table':
      return tableEvent(ev.type, hub, first, scope, includeObject, now);
    case 'metadata':
    case 'metadata-list':
      return toPartial(hub);
    default:
      // A BOOKMARK carries only metadata (resourceVersion, annotations) under the item's type meta.
      if (ev.type === 'BOOKMARK') return { apiVersion: apiVersionOf(scope), kind: scope.resource.kind, metadata: hub.metadata };
      return toWire(hub, scope.version);
  }
}

function writeLine(res: ServerResponse, type: string, object: unknown): Promise<void> | undefined {
  if (res.write(`${JSON.stringify({ type, object })}\n`)) return undefined;
  // Back-pressure: wait for the socket to drain, or for it to close.
  return Promise.race([once(res, 'drain'), once(res, 'close')]).then(() => undefined);
}

export async function handleWatch(ctx: HandlerContext): Promise<unknown> {
  const { scope, store, req, reply, query } = ctx;
  const rep = negotiate(req.headers.accept, 'watch');
  const includeObject = parseIncludeObject(query);
  const opts = watchOptionsOf(query);
  const timeoutSeconds = parseNonNegativeInt(query, 'timeoutSeconds') || defaultWatchTimeoutSeconds();

  let watch: Watch | undefined;
  let gone: GoneError | undefined;
  try {
    watch = await store.watch(refOf(scope), opts);
  } catch (e) {
    if (!(e instanceof GoneError)) throw e; // other errors answer as a normal Status
    gone = e;
  }

  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'Content-Type': WATCH_CONTENT_TYPE, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  if (gone || !watch) {
    res.end(`${JSON.stringify({ type: 'ERROR', object: toStatus(gone!) })}\n`);
    return;
  }
  const w = watch;
  const stop = (): void => w.stop();
  const timer = setTimeout(stop, timeoutSeconds * 1000);
  res.on('close', stop);
  ctx.watches.add(stop);
  try {
    let first = true;
    for await (const ev of w.events) {
      if (res.destroyed || res.writableEnded) break;
      const pending = writeLine(res, ev.type, eventObject(ev, scope, rep, includeObject, first, ctx.clock()));
      first = false;
      if (pending) await pending;
    }
  } catch (e) {
    if (isDocketError(e)) {
      if (!res.destroyed) res.write(`${JSON.stringify({ type: 'ERROR', object: toStatus(e) })}\n`);
    } else {
      req.log.error({ err: e }, 'watch stream failed');
    }
  } finally {
    clearTimeout(timer);
    ctx.watches.delete(stop);
    w.stop();
    res.off('close', stop);
    if (!res.destroyed && !res.writableEnded) res.end();
  }
}

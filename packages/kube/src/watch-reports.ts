/**
 * List-then-watch for one report collection, the way client-go's reflector does it: list (paged),
 * watch from the list's resourceVersion with bookmarks, resume from the last seen resourceVersion
 * when the connection ends, relist on 410 Gone and emit only what changed meanwhile.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { findResource, GoneError, type ReportObject } from '@docket/model';
import { backoffDelay, sleep, type BackoffOptions } from './backoff.ts';
import { toKubeError } from './errors.ts';
import { collectionPath, createReportClient, type CollectionRef, type ReportClient } from './report-client.ts';
import { applyWatchEvent, reconcileList, type ReportEvent, type ReportEventType } from './watch-state.ts';

export type WatchState = 'listing' | 'watching' | 'backoff' | 'stopped';

export interface WatchReportsOptions extends CollectionRef {
  kc: KubeConfig;
  labelSelector?: string;
  /** Called in order for every change; must not throw and should not block (queue work elsewhere). */
  onEvent(ev: ReportEvent): void;
  /** Lifecycle for readiness and metrics (`watch restarts`); `detail` explains a restart. */
  onState?(state: WatchState, detail?: string): void;
  /** Ends the watch; the returned promise then resolves. */
  signal: AbortSignal;
  /** Page size of lists; default 500. */
  pageSize?: number;
  /** Server-side lifetime of one watch request; default 300 s. */
  watchTimeoutSeconds?: number;
  /**
   * A watch that delivers no line (event or bookmark) for this long is treated as a dead
   * connection and restarted from the last resourceVersion; default watchTimeoutSeconds + 30 s.
   * client-node's Watch has no read timeout of its own, so a half-open socket would hang forever.
   */
  stallTimeoutMs?: number;
  /** Backoff after failures; default 200 ms doubling to 30 s. */
  backoff?: BackoffOptions;
  random?: () => number;
}

type WatchOutcome = { kind: 'ended' } | { kind: 'gone' } | { kind: 'error'; error: Error };

interface WatchLine {
  type: string;
  object: ReportObject & { code?: number; message?: string; reason?: string };
}

/** Runs until `signal` aborts. Never rejects for server or network failures (it retries); rejects only for a bad request. */
export async function watchReports(opts: WatchReportsOptions): Promise<void> {
  const client = createReportClient(opts.kc);
  const resource = findResource(opts.group, opts.version, opts.plural);
  const typeMeta = { apiVersion: `${opts.group}/${opts.version}`, kind: resource?.kind ?? '' };
  const backoff = opts.backoff ?? { initialMs: 200, maxMs: 30_000 };
  const seen = new Map<string, string>();
  const state = (s: WatchState, detail?: string) => opts.onState?.(s, detail);
  let rv: string | undefined;
  let failures = 0;

  while (!opts.signal.aborted) {
    try {
      if (rv === undefined) {
        state('listing');
        const { items, resourceVersion } = await listAll(client, opts);
        for (const ev of reconcileList(seen, items, typeMeta)) opts.onEvent(ev);
        rv = resourceVersion;
      }
      state('watching');
      const startRv: string = rv;
      const startedAt = Date.now();
      let lines = 0;
      const outcome = await watchOnce(opts, startRv, (type, obj) => {
        const newRv = obj.metadata?.resourceVersion;
        if (newRv) rv = newRv;
        lines++;
        if (type === 'BOOKMARK') return;
        const ev = applyWatchEvent(seen, type as ReportEventType, obj);
        if (ev) opts.onEvent(ev);
      });
      if (outcome.kind === 'ended') {
        // A normal end (timeout, server shutdown) resumes from the last RV at once; a server that
        // keeps closing empty watches straight away gets the failure backoff instead of a busy loop.
        if (lines > 0 || Date.now() - startedAt > 1000) {
          failures = 0;
          continue;
        }
        throw new Error('watch ended immediately without events');
      }
      if (outcome.kind === 'gone') {
        state('listing', `resourceVersion ${startRv} is too old (410 Gone): relisting`);
        rv = undefined;
        continue;
      }
      throw outcome.error;
    } catch (e) {
      const err = toKubeError(e);
      if (err instanceof GoneError) { // a continue token expired mid-list
        rv = undefined;
        continue;
      }
      if (opts.signal.aborted) break;
      const delay = backoffDelay(failures++, backoff, opts.random);
      state('backoff', `${err.message}; retrying in ${delay} ms`);
      await sleep(delay, opts.signal);
    }
  }
  state('stopped');
}

async function listAll(client: ReportClient, opts: WatchReportsOptions): Promise<{ items: ReportObject[]; resourceVersion: string }> {
  const items: ReportObject[] = [];
  let token: string | undefined;
  let resourceVersion = '';
  do {
    const page = await client.list(opts, { labelSelector: opts.labelSelector, limit: opts.pageSize ?? 500, continue: token });
    if (!resourceVersion) resourceVersion = page.resourceVersion; // the snapshot is the first page's
    items.push(...page.items);
    token = page.continue;
  } while (token && !opts.signal.aborted);
  return { items, resourceVersion };
}

/** One watch request; resolves when it ends, with why. */
function watchOnce(opts: WatchReportsOptions, resourceVersion: string, onLine: (type: string, obj: ReportObject) => void): Promise<WatchOutcome> {
  return new Promise((resolve) => {
    let outcome: WatchOutcome | undefined;
    let controller: AbortController | undefined;
    let finished = false;
    const finish = (o: WatchOutcome): void => {
      if (finished) return;
      finished = true;
      clearTimeout(stall);
      opts.signal.removeEventListener('abort', onAbort);
      resolve(outcome ?? o);
    };
    // client-node hands out the request's AbortController only once response headers arrived; until
    // then a stop or a stall gives up on the request (it is aborted as soon as the controller exists).
    const cancel = (o: WatchOutcome): void => {
      outcome ??= o;
      if (controller) controller.abort();
      else finish(o);
    };
    const onAbort = (): void => cancel({ kind: 'ended' });
    const stallMs = opts.stallTimeoutMs ?? (opts.watchTimeoutSeconds ?? 300) * 1000 + 30_000;
    let stall: NodeJS.Timeout | undefined;
    const armStall = (): void => {
      clearTimeout(stall);
      stall = setTimeout(() => cancel({ kind: 'error', error: new Error(`watch stalled: nothing received for ${stallMs} ms`) }), stallMs);
    };
    armStall();
    const query: Record<string, string | number | boolean> = {
      resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: opts.watchTimeoutSeconds ?? 300,
      ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
    };
    const callback = (type: string, obj: WatchLine['object']): void => {
      if (outcome) return;
      armStall();
      if (type === 'ERROR') {
        // kube sends an expired resourceVersion as a 200 stream with one ERROR event holding a 410 Status.
        cancel(obj?.code === 410 ? { kind: 'gone' } : { kind: 'error', error: new Error(`watch error: ${obj?.message ?? JSON.stringify(obj)}`) });
        return;
      }
      if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED' || type === 'BOOKMARK') onLine(type, obj);
    };
    const done = (err: unknown): void => {
      if (!err || opts.signal.aborted) return finish({ kind: 'ended' });
      const code = (err as { statusCode?: number }).statusCode;
      if (code === 410) return finish({ kind: 'gone' });
      if (typeof code === 'number') return finish({ kind: 'error', error: new Error(`watch request failed: HTTP ${code}`) });
      finish({ kind: 'error', error: toKubeError(err) });
    };
    opts.signal.addEventListener('abort', onAbort, { once: true });
    new Watch(opts.kc).watch(collectionPath(opts), query, callback, done).then(
      (c) => {
        controller = c;
        if (opts.signal.aborted || outcome || finished) c.abort();
      },
      (e: unknown) => finish({ kind: 'error', error: toKubeError(e) }),
    );
  });
}

/**
 * Engine-neutral watch fan-out. An engine publishes committed changes in resourceVersion order
 * (SQLite right after its commit; PostgreSQL from its change-log reader); the hub filters them per
 * watcher (namespace, labels, fields, with selector transitions turned into ADDED/DELETED as kube
 * does), buffers them with a bound, and sends bookmarks. A new watcher subscribes first, then
 * replays history (or lists the initial state) through the engine, then goes live: events are
 * de-duplicated by resourceVersion so there is no gap and no duplicate.
 */
import { RESOURCE_TYPES } from '@docket/model';
import type { ReportObject } from '@docket/model';
import type { CollectionRef, ListOptions, ListResult, Watch, WatchEvent, WatchOptions } from '../types.ts';
import { tooOldResourceVersion } from './errors.ts';
import { EventQueue } from './event-queue.ts';
import { withResourceVersion } from './lifecycle.ts';
import { parseResourceVersion } from './options.ts';
import { hasSelectors, matchesSelectors } from './selectors.ts';

/** One committed change, with the object versions around it. */
export interface ChangeEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  group: string;
  resource: string;
  namespace: string;
  name: string;
  /** The object after the change; for DELETED the last state, carrying the deletion's resourceVersion. */
  object: ReportObject;
  /** The object before the change (MODIFIED, DELETED); needed for selector transitions. */
  prev?: ReportObject;
}

/** What the hub needs from an engine. */
export interface WatchSource {
  /** Committed changes of `ref` with rv > after, in rv order, at most `limit`. */
  readChanges(ref: CollectionRef, after: number, limit: number): Promise<ChangeEvent[]>;
  /** The oldest resourceVersion a watch can resume from (the compacted resourceVersion). */
  compactedRv(): Promise<number>;
  list(ref: CollectionRef, opts: ListOptions): Promise<ListResult>;
}

export interface WatchHubOptions {
  bufferSize: number;
  bookmarkIntervalMs: number;
  /** Page size for replay and initial-state reads. */
  pageSize?: number;
}

export interface WatchHub {
  /** Hands committed changes (in rv order) to every watcher. */
  publish(events: readonly ChangeEvent[]): void;
  watch(ref: CollectionRef, opts?: WatchOptions): Promise<Watch>;
  /** Number of open watches. */
  size(): number;
  /** Ends every watch. */
  close(): void;
}

export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/** A BOOKMARK object for `ref`: apiVersion and kind of its storage version, only the RV in metadata. */
export function bookmarkObject(ref: CollectionRef, rv: number, annotations?: Record<string, string>): ReportObject {
  const t = RESOURCE_TYPES.find((r) => r.group === ref.group && r.plural === ref.resource);
  return {
    apiVersion: t ? `${t.group}/${t.storageVersion}` : ref.group,
    kind: t?.kind ?? '',
    metadata: annotations ? { resourceVersion: String(rv), annotations } : { resourceVersion: String(rv) },
  };
}

/** Pure: the event (if any) watcher `ref`+`opts` sees for change `e`. */
export function toWatchEvent(ref: CollectionRef, opts: WatchOptions, e: ChangeEvent): WatchEvent | undefined {
  if (e.group !== ref.group || e.resource !== ref.resource) return undefined;
  if (ref.namespace !== undefined && e.namespace !== ref.namespace) return undefined;
  if (!hasSelectors(opts)) return { type: e.type, object: e.object };
  const now = matchesSelectors(e.object, opts);
  if (e.type === 'ADDED') return now ? { type: 'ADDED', object: e.object } : undefined;
  if (e.type === 'DELETED') return now ? { type: 'DELETED', object: e.object } : undefined;
  const before = e.prev !== undefined && matchesSelectors(e.prev, opts);
  if (now && before) return { type: 'MODIFIED', object: e.object };
  if (now) return { type: 'ADDED', object: e.object };
  if (before) return { type: 'DELETED', object: withResourceVersion(e.prev!, e.rv) };
  return undefined;
}

interface Watcher {
  ref: CollectionRef;
  opts: WatchOptions;
  queue: EventQueue;
  live: boolean;
  /** Changes published while the watcher replays or lists; flushed when it goes live. */
  pending: ChangeEvent[];
  /** Highest resourceVersion this watcher has been brought up to. */
  rv: number;
  timer?: NodeJS.Timeout;
}

export function createWatchHub(source: WatchSource, options: WatchHubOptions): WatchHub {
  const watchers = new Set<Watcher>();
  // A bulk page must fit in a watcher's buffer next to what is already queued.
  const pageSize = Math.max(1, Math.min(options.pageSize ?? 500, Math.floor(options.bufferSize / 2)));
  let lastPublished = 0;

  /** Bulk producers pause until a page fits, so only a reader that stops reading gets evicted. */
  const roomFor = (_w: Watcher): number => Math.max(0, options.bufferSize - pageSize - 1);

  function deliver(w: Watcher, e: ChangeEvent): void {
    if (e.rv <= w.rv) return;
    w.rv = e.rv;
    const ev = toWatchEvent(w.ref, w.opts, e);
    if (ev) w.queue.push(ev);
  }

  /** Flushes what was published meanwhile, a page at a time, then switches to direct delivery. */
  async function goLive(w: Watcher): Promise<void> {
    while (w.pending.length > 0 && !w.queue.ended) {
      const batch = w.pending.splice(0, pageSize);
      for (const e of batch) deliver(w, e);
      await w.queue.waitForRoom(roomFor(w));
    }
    w.live = true;
  }

  async function replay(w: Watcher, from: number): Promise<void> {
    let after = from;
    while (!w.queue.ended) {
      const batch = await source.readChanges(w.ref, after, pageSize);
      if (batch.length === 0) break;
      for (const e of batch) deliver(w, e);
      after = batch[batch.length - 1]!.rv;
      await w.queue.waitForRoom(roomFor(w));
    }
  }

  async function sendInitialState(w: Watcher): Promise<void> {
    let cont: string | undefined;
    let snapshot: number | undefined;
    do {
      const page = await source.list(w.ref, { labels: w.opts.labels, fields: w.opts.fields, limit: pageSize, continue: cont });
      snapshot ??= Number(page.resourceVersion);
      for (const item of page.items) w.queue.push({ type: 'ADDED', object: item });
      cont = page.continue;
      if (cont) await w.queue.waitForRoom(roomFor(w));
    } while (cont && !w.queue.ended);
    w.rv = Math.max(w.rv, snapshot ?? 0);
    if (w.opts.sendInitialEvents) {
      w.queue.push({ type: 'BOOKMARK', object: bookmarkObject(w.ref, w.rv, { [INITIAL_EVENTS_END_ANNOTATION]: 'true' }) });
    }
  }

  return {
    publish(events) {
      for (const e of events) {
        if (e.rv > lastPublished) lastPublished = e.rv;
        for (const w of watchers) {
          if (w.live) deliver(w, e);
          else {
            w.pending.push(e);
            if (w.pending.length > options.bufferSize) { w.queue.evicted = true; w.queue.end(); }
          }
        }
      }
    },

    async watch(ref, opts = {}) {
      const requested = parseResourceVersion(opts.resourceVersion);
      const initial = requested === undefined || requested === 0 || opts.sendInitialEvents === true;
      if (!initial) {
        const compacted = await source.compactedRv();
        if (requested! < compacted) throw tooOldResourceVersion(requested!, compacted);
      }
      const w: Watcher = { ref, opts, queue: new EventQueue(options.bufferSize), live: false, pending: [], rv: initial ? 0 : requested! };
      watchers.add(w);
      w.queue.setOnEnd(() => {
        watchers.delete(w);
        if (w.timer) clearInterval(w.timer);
        w.pending = [];
      });
      if (opts.allowBookmarks) {
        w.timer = setInterval(() => {
          if (!w.live) return;
          w.rv = Math.max(w.rv, lastPublished);
          w.queue.push({ type: 'BOOKMARK', object: bookmarkObject(ref, w.rv) });
        }, options.bookmarkIntervalMs);
        w.timer.unref();
      }
      const start = initial ? sendInitialState(w) : replay(w, requested!);
      start.then(() => goLive(w)).catch(() => w.queue.end());
      const iterable = w.queue.iterate();
      return { events: iterable, stop: () => w.queue.end() };
    },

    size: () => watchers.size,

    close() {
      for (const w of [...watchers]) w.queue.end();
    },
  };
}

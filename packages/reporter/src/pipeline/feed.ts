/**
 * One store change feed → new-result detection → outbox. The feed of a store instance (one
 * cluster id) watches every report resource, diffs each changed report against what was seen, and
 * enqueues the notifications together with the processed resourceVersion (a cursor per resource).
 *
 * Restart (process, leader change, or an outbox failure): the tracker is rebuilt by listing each
 * resource exactly at its cursor (without notifying), then the feed resumes from the cursor, so
 * nothing after it is lost and nothing before it is sent again. Without a cursor (the very first
 * run) the current state is primed: its results are "pre-existing" and only targets without
 * `skipExistingOnStartup` get them. If a cursor has been compacted away (down for longer than the
 * store's history retention) the current state is diffed as new for every target; deterministic
 * delivery keys drop what was already enqueued for unchanged reports.
 */
import { createIdOf, createResultTracker, NOTIFIABLE_STATUSES, reportKeyOf } from '@docket/core';
import { GoneError, RESOURCE_TYPES, type ReportObject } from '@docket/model';
import type { CollectionRef, DeliveryStore, ListOptions, ReportStore } from '@docket/store';
import { createBatcher } from './batcher.ts';
import { deliveriesFor, fixedFor, type DetectContext, type NamespaceLabels } from './detect.ts';
import type { CompiledTarget } from './targets.ts';
import { noopPipelineMetrics, silentLogger, type DetectionOptions, type PipelineLogger, type PipelineMetrics } from './types.ts';

export interface FeedOptions {
  /** Feed name (the cluster id of `store`); part of cursor names and metric labels. */
  name: string;
  store: ReportStore;
  outbox: Pick<DeliveryStore, 'enqueue' | 'readCursor'>;
  targets: readonly CompiledTarget[];
  detection?: DetectionOptions;
  /** Collections watched; default every report resource Docket serves. */
  resources?: readonly CollectionRef[];
  namespaceLabels?: NamespaceLabels;
  metrics?: PipelineMetrics;
  logger?: PipelineLogger;
  /**
   * Report-level filter (`reportFilter` of the config): a report it rejects is not diffed, and a
   * report that becomes rejected is forgotten without notifications.
   */
  reportFilter?: (report: ReportObject) => boolean;
  /** Every report the feed lists or sees change (result gauges follow it). */
  onReport?(type: 'ADDED' | 'MODIFIED' | 'DELETED', report: ReportObject, feed: string): void;
  /** Rows were inserted into the outbox (wake the dispatcher). */
  onEnqueued?(count: number): void;
  now?: () => number;
  /** Flush when this many rows are pending; default 2000. */
  batchMaxItems?: number;
  /** Otherwise flush this long after the first pending change; default 5 ms. */
  batchDelayMs?: number;
  pageSize?: number;
  /** Delay before rebuilding after a failure; default 1 s (doubling to 30 s). */
  retryDelayMs?: number;
}

/** Every report collection (group + plural), all namespaces. */
export const ALL_REPORT_RESOURCES: readonly CollectionRef[] = RESOURCE_TYPES.map((r) => ({ group: r.group, resource: r.plural }));

/** Name of the cursor of one collection of one feed. */
export function cursorName(feed: string, ref: CollectionRef): string {
  return `pipeline/${feed}/${ref.group}/${ref.resource}`;
}

/** Runs the feed until `signal` aborts; failures rebuild from the persisted cursors with backoff. */
export async function runFeed(opts: FeedOptions, signal: AbortSignal): Promise<void> {
  const metrics = opts.metrics ?? noopPipelineMetrics;
  const logger = opts.logger ?? silentLogger;
  let failures = 0;
  while (!signal.aborted) {
    const startedAt = Date.now();
    try {
      await runOnce(opts, signal);
      return;
    } catch (e) {
      if (signal.aborted) return;
      if (Date.now() - startedAt > 60_000) failures = 0; // it ran fine for a while: start the backoff over
      const err = e as Error;
      metrics.watchRestart(opts.name, err instanceof GoneError ? 'gone' : 'error');
      const delay = Math.min(30_000, (opts.retryDelayMs ?? 1000) * 2 ** failures++);
      logger.warn({ feed: opts.name, err: err.message, retryInMs: delay }, 'report change feed failed; rebuilding from the persisted cursors');
      await sleep(delay, signal);
    }
  }
}

async function runOnce(opts: FeedOptions, outer: AbortSignal): Promise<void> {
  const metrics = opts.metrics ?? noopPipelineMetrics;
  const logger = opts.logger ?? silentLogger;
  const now = opts.now ?? Date.now;
  const det = opts.detection ?? {};
  const tracker = createResultTracker({
    ...(det.statuses ? { statuses: det.statuses } : {}),
    ...(det.customIdFields ? { customIdFields: det.customIdFields } : {}),
    ...(det.flapWindowMs !== undefined ? { flapWindowMs: det.flapWindowMs } : {}),
    ...(det.deletedReportGraceMs !== undefined ? { deletedReportGraceMs: det.deletedReportGraceMs } : {}),
  });
  const statuses = new Set<string>(det.statuses ?? NOTIFIABLE_STATUSES);
  const resolving = opts.targets.some((t) => t.resolvesFixed);
  const lastRv = new Map<string, string>(); // report key → rv, only kept for resolving targets
  const ctx: DetectContext = {
    targets: opts.targets,
    idOf: createIdOf(det.customIdFields),
    ...(opts.namespaceLabels ? { namespaceLabels: opts.namespaceLabels } : {}),
    onSkip: (t, reason, ref) => {
      metrics.skipped(t.name, reason);
      logger.debug({ target: t.name, report: ref.reportKey, resultId: ref.id, reason }, 'result skipped');
    },
  };
  const batcher = createBatcher(opts.outbox, opts.batchDelayMs ?? 5, (n) => opts.onEnqueued?.(n));
  const maxItems = opts.batchMaxItems ?? 2000;
  const pageSize = opts.pageSize ?? 500;
  const resources = opts.resources ?? ALL_REPORT_RESOURCES;
  const local = new AbortController();
  const onOuter = () => local.abort();
  outer.addEventListener('abort', onOuter, { once: true });
  const signal = local.signal;

  const seen = (report: ReportObject): void => {
    let n = 0;
    for (const r of report.results ?? []) if (r.result !== undefined && statuses.has(r.result)) n++;
    metrics.resultsSeen(opts.name, n);
  };
  /** Diffs one report and queues its rows (no fixed notifications: used for lists). */
  const admitted = (report: ReportObject): boolean => opts.reportFilter === undefined || opts.reportFilter(report);
  const observeListed = (report: ReportObject, c: DetectContext): void => {
    opts.onReport?.('ADDED', report, opts.name);
    if (!admitted(report)) return;
    seen(report);
    const outcome = tracker.observe(report, now());
    if (outcome.added.length > 0) metrics.newResults(opts.name, outcome.added.length);
    batcher.add(deliveriesFor(report, outcome, c));
    if (resolving) lastRv.set(reportKeyOf(report), report.metadata.resourceVersion ?? '');
  };

  try {
    const starts: Array<{ ref: CollectionRef; rv: string }> = [];
    for (const ref of resources) {
      const name = cursorName(opts.name, ref);
      const cursor = await opts.outbox.readCursor(name);
      if (cursor !== undefined) {
        try {
          await listAll(opts.store, ref, { resourceVersion: cursor, resourceVersionMatch: 'Exact' }, pageSize, signal, (r) => {
            opts.onReport?.('ADDED', r, opts.name);
            if (!admitted(r)) return;
            tracker.observe(r, now()); // rebuild only: this state was processed before the cursor
            if (resolving) lastRv.set(reportKeyOf(r), r.metadata.resourceVersion ?? '');
          });
          starts.push({ ref, rv: cursor });
          continue;
        } catch (e) {
          if (!(e instanceof GoneError)) throw e;
          logger.warn({ feed: opts.name, resource: `${ref.resource}.${ref.group}`, cursor },
            'the processed resourceVersion was compacted (down longer than the history retention): diffing the current state as new');
          const rv = await listAll(opts.store, ref, {}, pageSize, signal, (r) => observeListed(r, { ...ctx, ignorePreExisting: true }));
          batcher.cursor(name, rv);
          starts.push({ ref, rv });
          continue;
        }
      }
      const rv = await listAll(opts.store, ref, {}, pageSize, signal, (r) => observeListed(r, ctx));
      batcher.cursor(name, rv);
      starts.push({ ref, rv });
    }
    await batcher.flush();
    tracker.endStartup();
    logger.info({ feed: opts.name, ...tracker.stats() }, 'report change feed primed');

    const watchOne = async (ref: CollectionRef, startRv: string): Promise<void> => {
      const name = cursorName(opts.name, ref);
      const type = RESOURCE_TYPES.find((t) => t.group === ref.group && t.plural === ref.resource);
      let rv = startRv;
      while (!signal.aborted) {
        let watch;
        try {
          watch = await opts.store.watch(ref, { resourceVersion: rv, allowBookmarks: true });
        } catch (e) {
          if (!(e instanceof GoneError)) throw e;
          metrics.watchRestart(opts.name, 'gone');
          rv = await relist(ref, type?.kind ?? '', name);
          continue;
        }
        const stop = () => watch.stop();
        signal.addEventListener('abort', stop, { once: true });
        let gone = false;
        try {
          for await (const ev of watch.events) {
            if (signal.aborted) break;
            const evRv = ev.object.metadata.resourceVersion ?? rv;
            if (ev.type !== 'BOOKMARK') await processEvent(ref, ev.type, ev.object);
            rv = evRv;
            batcher.cursor(name, rv);
            if (batcher.failure) throw batcher.failure;
            if (batcher.size >= maxItems) await batcher.flush();
            else batcher.schedule();
          }
        } catch (e) {
          if (!(e instanceof GoneError)) throw e;
          gone = true; // compacted under a slow watch: diff a fresh list against the live tracker
        } finally {
          signal.removeEventListener('abort', stop);
          watch.stop();
        }
        if (gone) {
          metrics.watchRestart(opts.name, 'gone');
          rv = await relist(ref, type?.kind ?? '', name);
          continue;
        }
        if (!signal.aborted) metrics.watchRestart(opts.name, 'ended'); // evicted as a slow watcher: resume
      }
    };

    /** After 410 on a live watch: the current list diffed against the tracker; missing reports were deleted. */
    const relist = async (ref: CollectionRef, kind: string, name: string): Promise<string> => {
      const present = new Set<string>();
      const rv = await listAll(opts.store, ref, {}, pageSize, signal, (r) => {
        present.add(reportKeyOf(r));
        observeListed(r, ctx);
      });
      const prefix = `${ref.group}/${kind}/`;
      for (const key of tracker.knownReports()) {
        if (key.startsWith(prefix) && !present.has(key)) { tracker.forget(key, now()); lastRv.delete(key); }
      }
      batcher.cursor(name, rv);
      await batcher.flush();
      return rv;
    };

    const processEvent = async (ref: CollectionRef, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: ReportObject): Promise<void> => {
      opts.onReport?.(type, obj, opts.name);
      const key = reportKeyOf(obj);
      const rv = obj.metadata.resourceVersion ?? '';
      if (type === 'DELETED') {
        const removed = tracker.forget(obj, now());
        batcher.add(fixedFor(obj, removed, rv, ctx));
        lastRv.delete(key);
        return;
      }
      if (!admitted(obj)) {
        tracker.forget(obj, now()); // filtered out (now): no news, and none when it is admitted again later
        lastRv.delete(key);
        return;
      }
      seen(obj);
      const prevRv = resolving ? lastRv.get(key) : undefined;
      const outcome = tracker.observe(obj, now());
      if (outcome.added.length > 0) metrics.newResults(opts.name, outcome.added.length);
      const previous = outcome.removed.length > 0 && prevRv ? await readVersion(opts.store, ref, obj, prevRv) : undefined;
      batcher.add(deliveriesFor(obj, outcome, ctx, previous));
      if (resolving) lastRv.set(key, rv);
    };

    await Promise.all(starts.map(({ ref, rv }) => watchOne(ref, rv).catch((e: unknown) => {
      local.abort(); // one failed resource rebuilds the whole feed
      throw e;
    })));
    if (!outer.aborted) throw batcher.failure ?? new Error('report change feed stopped');
    await batcher.flush();
  } finally {
    batcher.cancel();
    outer.removeEventListener('abort', onOuter);
    local.abort();
  }
}

/** Pages through a collection, calling `each` per object; returns the list's resourceVersion. */
async function listAll(
  store: ReportStore, ref: CollectionRef, first: ListOptions, pageSize: number, signal: AbortSignal, each: (r: ReportObject) => void,
): Promise<string> {
  let token: string | undefined;
  let rv = '';
  do {
    const page = await store.list(ref, token ? { limit: pageSize, continue: token } : { ...first, limit: pageSize });
    if (!rv) rv = page.resourceVersion;
    for (const item of page.items) each(item);
    token = page.continue;
  } while (token && !signal.aborted);
  return rv;
}

/** A report as it was at `rv` (for `fixed` notifications), or undefined when compacted or absent. */
async function readVersion(store: ReportStore, ref: CollectionRef, obj: ReportObject, rv: string): Promise<ReportObject | undefined> {
  try {
    const ns = obj.metadata.namespace;
    const page = await store.list({ ...ref, ...(ns ? { namespace: ns } : {}) }, {
      resourceVersion: rv, resourceVersionMatch: 'Exact',
      fields: [{ field: 'metadata.name', op: '=', value: obj.metadata.name ?? '' }],
    });
    return page.items[0];
  } catch (e) {
    if (e instanceof GoneError) return undefined;
    throw e;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
    signal.addEventListener('abort', done, { once: true });
  });
}


/**
 * The one report writer every producer shares (issue 4 item 7): events are folded per report and
 * result id in memory, and each dirty report is written once per flush interval with
 * create-or-update. Conflicts re-read and merge; 5xx and network errors back off and keep the
 * pending results; a write mark annotation makes a retried write that already landed a no-op.
 */
import { randomUUID } from 'node:crypto';
import { AlreadyExistsError, ConflictError, NotFoundError, type OwnerReference, type ReportObject, type ReportResult } from '@docket/model';
import { backoffDelay, sleep, type BackoffOptions } from './backoff.ts';
import { isRetryable, toKubeError } from './errors.ts';
import { buildReport, LAST_WRITE_ANNOTATION, reportTarget, writerKeyString, type OutputGroup, type WriterReportKey } from './report-build.ts';
import { mergeResults } from './result-merge.ts';
import { foldPending, toPendingResult, trimPending, type PendingResult } from './pending-results.ts';
import type { ReportClient } from './report-client.ts';

export type WriteOutcome = 'created' | 'updated' | 'unchanged' | 'conflict' | 'retry' | 'failed';

/** Hooks a producer maps onto its Prometheus metrics. */
export interface ReportWriterMetrics {
  /** One per API write attempt and its result (`unchanged`: a retried write had already landed). */
  onWrite?(outcome: WriteOutcome, durationMs: number): void;
  /** Results removed from a report by TTL expiry or the maxResults cap. */
  onDropped?(reason: 'ttl' | 'cap', count: number): void;
}

export interface ReportWriterOptions {
  client: ReportClient;
  group: OutputGroup;
  flushIntervalMs: number;
  maxResults: number;
  /** Results not seen for this long are removed at the report's next write. */
  ttlMs: number;
  /** Epoch milliseconds; default Date.now. */
  clock?: () => number;
  metrics?: ReportWriterMetrics;
  /** Labels put on every report; default `app.kubernetes.io/managed-by: docket`. */
  labels?: Record<string, string>;
  /** Write attempts per report per flush before its results wait for the next flush; default 6. */
  maxAttempts?: number;
  /** Backoff between attempts; default 50 ms doubling to 2 s. */
  backoff?: BackoffOptions;
  /** Reports written at the same time; default 4. */
  concurrency?: number;
  random?: () => number;
  /** A report's pending results could not be written this round (they are kept and retried). */
  onError?(report: string, error: Error): void;
}

export interface ReportWriter {
  /** Queues one event's result for the report `key` (cluster-scoped when `key.namespace` is absent). */
  add(key: WriterReportKey, result: ReportResult, owner?: OwnerReference): void;
  /** Writes everything pending now; rejects if some report still could not be written. */
  flush(): Promise<void>;
  /** Stops the interval and flushes (graceful shutdown). */
  close(): Promise<void>;
  /** Reports held and results waiting to be written. */
  stats(): { reports: number; pendingResults: number };
}

interface Entry {
  key: WriterReportKey;
  owner?: OwnerReference;
  pending: Map<string, PendingResult>;
  /** Last known server object; undefined = unknown (read first), null = known absent (create). */
  base: ReportObject | null | undefined;
  nextExpiryMs?: number;
  inflight?: Promise<void>;
  lastError?: Error;
}

/** Puts the results of a failed write back in front of what arrived meanwhile. */
function foldInto(target: Map<string, PendingResult>, older: Map<string, ReportResult>, nowMs: number): void {
  for (const r of older.values()) foldPending(target, r, nowMs);
}

export function createReportWriter(opts: ReportWriterOptions): ReportWriter {
  const clock = opts.clock ?? Date.now;
  const labels = opts.labels ?? { 'app.kubernetes.io/managed-by': 'docket' };
  const maxAttempts = opts.maxAttempts ?? 6;
  const backoff = opts.backoff ?? { initialMs: 50, maxMs: 2000 };
  const writerId = randomUUID().slice(0, 8);
  // One sequence for the writer's lifetime: a mark must never repeat, even for a re-created entry.
  let writeSeq = 0;
  const entries = new Map<string, Entry>();
  const stopped = new AbortController();

  const isDirty = (e: Entry, now: number): boolean =>
    e.pending.size > 0 || (e.nextExpiryMs !== undefined && e.nextExpiryMs <= now);

  function add(key: WriterReportKey, result: ReportResult, owner?: OwnerReference): void {
    if (stopped.signal.aborted) throw new Error('report writer is closed');
    const ks = writerKeyString(key);
    let entry = entries.get(ks);
    if (!entry) {
      entry = { key, pending: new Map(), base: undefined };
      entries.set(ks, entry);
    }
    if (owner) entry.owner = owner;
    if (key.scope) entry.key = key;
    foldPending(entry.pending, result, clock(), key.scope);
    // Many distinct results within one interval: keep memory near the cap (the write caps anyway).
    if (entry.pending.size > 2 * opts.maxResults) opts.metrics?.onDropped?.('cap', trimPending(entry.pending, opts.maxResults));
  }

  async function attemptWrite(entry: Entry, snapshot: Map<string, ReportResult>, mark: string): Promise<'done'> {
    const { ref } = reportTarget(opts.group, entry.key);
    for (let attempt = 0; ; attempt++) {
      const started = clock();
      try {
        if (entry.base === undefined) {
          try {
            entry.base = await opts.client.get(ref);
          } catch (e) {
            if (!(e instanceof NotFoundError)) throw e;
            entry.base = null;
          }
          if (entry.base?.metadata.annotations?.[LAST_WRITE_ANNOTATION] === mark) {
            opts.metrics?.onWrite?.('unchanged', clock() - started); // our earlier attempt landed; its answer was lost
            entry.nextExpiryMs = mergeResults(entry.base!.results ?? [], [], { nowMs: clock(), ttlMs: opts.ttlMs, maxResults: opts.maxResults }).nextExpiryMs;
            return 'done';
          }
        }
        const { report, merge } = buildReport({
          group: opts.group, key: entry.key, base: entry.base ?? undefined, pending: snapshot.values(), owner: entry.owner,
          labels, writeMark: mark, nowMs: clock(), ttlMs: opts.ttlMs, maxResults: opts.maxResults,
        });
        const written = entry.base ? await opts.client.replace(ref, report) : await opts.client.create(ref, report);
        opts.metrics?.onWrite?.(entry.base ? 'updated' : 'created', clock() - started);
        if (merge.expired) opts.metrics?.onDropped?.('ttl', merge.expired);
        if (merge.capped) opts.metrics?.onDropped?.('cap', merge.capped);
        entry.base = written;
        entry.nextExpiryMs = merge.nextExpiryMs;
        return 'done';
      } catch (raw) {
        const e = toKubeError(raw);
        if (e instanceof ConflictError || e instanceof AlreadyExistsError) {
          opts.metrics?.onWrite?.('conflict', clock() - started);
          entry.base = undefined; // re-read, then merge our snapshot into the server's results
        } else if (e instanceof NotFoundError) {
          entry.base = null; // deleted under us (e.g. garbage collected): create again
        } else if (isRetryable(e)) {
          opts.metrics?.onWrite?.('retry', clock() - started);
          entry.base = undefined; // the write may have landed without an answer: the mark tells on re-read
        } else {
          opts.metrics?.onWrite?.('failed', clock() - started);
          throw e;
        }
        if (attempt + 1 >= maxAttempts) throw e;
        await sleep(backoffDelay(attempt, backoff, opts.random), stopped.signal);
      }
    }
  }

  function writeEntry(entry: Entry): Promise<void> {
    if (entry.inflight) return entry.inflight;
    if (!isDirty(entry, clock())) return Promise.resolve(); // written meanwhile by a flush
    const snapshot = new Map<string, ReportResult>();
    for (const [id, p] of entry.pending) snapshot.set(id, toPendingResult(id, p));
    entry.pending = new Map();
    const mark = `${writerId}/${++writeSeq}`;
    entry.inflight = attemptWrite(entry, snapshot, mark).then(
      () => {
        entry.lastError = undefined;
      },
      (e: Error) => {
        entry.lastError = e;
        // Invalid reports cannot be fixed by retrying; everything else waits for the next flush.
        if (isRetryable(e) || e instanceof ConflictError || e instanceof AlreadyExistsError) foldInto(entry.pending, snapshot, clock());
        opts.onError?.(writerKeyString(entry.key), e);
      },
    ).finally(() => {
      entry.inflight = undefined;
      const ks = writerKeyString(entry.key);
      // Forget reports with nothing left to write or expire; a later event re-reads them.
      if (entry.pending.size === 0 && entry.nextExpiryMs === undefined) entries.delete(ks);
    });
    return entry.inflight;
  }

  async function writeDirty(): Promise<void> {
    const now = clock();
    const queue = [...entries.values()].filter((e) => !e.inflight && isDirty(e, now));
    const workers = Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, async () => {
      for (let e = queue.shift(); e; e = queue.shift()) await writeEntry(e);
    });
    await Promise.all(workers);
  }

  // Ticks may overlap: a report whose write is still backing off is skipped, the others proceed.
  const timer = setInterval(() => void writeDirty(), opts.flushIntervalMs);

  async function flush(): Promise<void> {
    await Promise.all([...entries.values()].map((e) => e.inflight));
    await writeDirty();
    await Promise.all([...entries.values()].map((e) => e.inflight));
    // Results refused as invalid were reported through onError and metrics; only pending ones fail the flush.
    const failed = [...entries.values()].filter((e) => e.pending.size > 0 && e.lastError);
    if (failed.length) {
      throw new AggregateError(failed.map((e) => e.lastError ?? new Error('pending')), `${failed.length} report(s) could not be written: ${failed.map((e) => writerKeyString(e.key)).join(', ')}`);
    }
  }

  return {
    add,
    flush,
    close: async () => {
      clearInterval(timer);
      try {
        await flush();
      } finally {
        stopped.abort();
      }
    },
    stats: () => ({ reports: entries.size, pendingResults: [...entries.values()].reduce((n, e) => n + e.pending.size, 0) }),
  };
}

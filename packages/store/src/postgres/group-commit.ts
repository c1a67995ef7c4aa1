/**
 * Group commit for single-object writes: writes queued while a transaction is running share the
 * next one, which stamps all their resourceVersions with one counter update. The counter row is
 * the one point every replica serialises on, so fewer, larger transactions raise throughput.
 *
 * Rules that keep it correct:
 * - one batch never holds two writes of the same object (the second waits for the next batch), so
 *   each write sees the previous one committed and stamped;
 * - writes run in key order, so concurrent batches (here or on other replicas) lock rows in the
 *   same order and cannot deadlock each other;
 * - a write that fails with a Docket error has written nothing (lifecycle checks run before any
 *   statement that changes data), so it is rejected alone; a database error aborts the
 *   transaction, so the failing write is rejected and the others are retried in a new batch.
 */
import type pg from 'pg';
import { isDocketError } from '@docket/model';
import { stamp } from './tx.ts';
import type { Change, TxWork } from './tx.ts';

export type Work<T> = (c: pg.PoolClient) => Promise<TxWork<T>>;

interface Pending {
  key: string;
  work: Work<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  attempts: number;
}

export interface GroupCommitter {
  /** Runs `work` for the object identified by `key` in a shared transaction. */
  run<T>(key: string, work: Work<T>): Promise<T>;
}

export interface GroupCommitOptions {
  pool: pg.Pool;
  clusterId: string;
  /** Writes per transaction. Default 100. */
  maxBatch?: number;
  /** Transactions in flight at once. Default 2: one commits while the next fills. */
  maxInFlight?: number;
}

/** SQLSTATEs after which the whole batch is simply retried. */
const RETRYABLE = new Set(['40P01', '40001']);

export function createGroupCommitter(opts: GroupCommitOptions): GroupCommitter {
  const maxBatch = opts.maxBatch ?? 100;
  const maxInFlight = opts.maxInFlight ?? 2;
  let queue: Pending[] = [];
  let inFlight = 0;
  const busyKeys = new Set<string>();

  function take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const keys = new Set<string>();
    for (const p of queue) {
      if (batch.length < maxBatch && !keys.has(p.key) && !busyKeys.has(p.key)) {
        keys.add(p.key);
        batch.push(p);
      } else rest.push(p);
    }
    queue = rest;
    return batch.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  let kickScheduled = false;

  /**
   * Starts batches on the next turn of the event loop, not synchronously: callers released by
   * the previous commit (and concurrent arrivals) get to queue their next write first, so
   * batches fill up instead of alternating between one big and many tiny ones.
   */
  function scheduleKick(): void {
    if (kickScheduled) return;
    kickScheduled = true;
    setImmediate(() => { kickScheduled = false; kick(); });
  }

  function kick(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = take();
      if (batch.length === 0) return;
      inFlight++;
      for (const p of batch) busyKeys.add(p.key);
      runBatch(batch).finally(() => {
        for (const p of batch) busyKeys.delete(p.key);
        inFlight--;
        scheduleKick();
      });
    }
  }

  function retry(ps: Pending[]): void {
    queue = [...ps, ...queue];
    scheduleKick();
  }

  async function runBatch(batch: Pending[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await opts.pool.connect();
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    let broken = false;
    const done: { p: Pending; w: TxWork<unknown> }[] = [];
    const rejected = new Set<Pending>();
    let culprit: Pending | undefined;
    try {
      await client.query('BEGIN');
      for (const p of batch) {
        try {
          done.push({ p, w: await p.work(client) });
        } catch (e) {
          if (!isDocketError(e)) { culprit = p; throw e; }
          p.reject(e);
          rejected.add(p);
        }
      }
      const changes: Change[] = [];
      const offsets = done.map((d) => { const at = changes.length; changes.push(...d.w.changes); return at; });
      const base = changes.length > 0 ? await stamp(client, opts.clusterId, changes) : 0;
      await client.query('COMMIT');
      done.forEach((d, i) => {
        try { d.p.resolve(d.w.result(base + offsets[i]!)); } catch (e) { d.p.reject(e); }
      });
    } catch (err) {
      await client.query('ROLLBACK').catch(() => { broken = true; });
      const retryable = RETRYABLE.has((err as { code?: string })?.code ?? '');
      const again: Pending[] = [];
      for (const p of batch) {
        if (rejected.has(p)) continue;
        // The write that hit a database error fails alone unless the error is transient; the
        // others were only collateral of the aborted transaction.
        if ((p === culprit && !retryable) || (culprit === undefined && !retryable) || ++p.attempts > 5) p.reject(err);
        else again.push(p);
      }
      retry(again);
    } finally {
      client.release(broken);
    }
  }

  return {
    run<T>(key: string, work: Work<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ key, work: work as Work<unknown>, resolve: resolve as (v: unknown) => void, reject, attempts: 0 });
        scheduleKick();
      });
    },
  };
}

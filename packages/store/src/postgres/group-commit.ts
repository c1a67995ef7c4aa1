/**
 * Group commit for single-object writes: writes queued while a transaction is running share the
 * next one. A batch runs as a fixed handful of set-oriented statements (bulk.ts) whatever its
 * size, and stamps all its resourceVersions with one counter update: the counter row is the one
 * point every replica serialises on, so fewer, larger transactions raise throughput.
 *
 * Rules that keep it correct:
 * - one batch never holds two writes of the same object (the second waits for the next batch);
 * - rows are locked in key order, so concurrent batches (here or on other replicas) cannot
 *   deadlock each other;
 * - lifecycle rules run in memory between "lock" and "write": a write failing them (Docket
 *   error) is simply left out of the batch; a database error aborts the transaction, and then
 *   every write of the batch is retried alone, so only the write at fault fails.
 */
import type pg from 'pg';
import { isDocketError } from '@docket/model';
import type { ReportObject } from '@docket/model';
import { canonicalJson } from '../shared/canonical.ts';
import { alreadyExists } from '../shared/errors.ts';
import type { ObjectKey } from '../types.ts';
import { clearResults, copyToHistory, insertMany, insertResults, keyString, lockMany, removeMany, replaceMany, rowWrite, writeLabels } from './bulk.ts';
import type { RowWrite } from './bulk.ts';
import type { KeyDictionary } from './result-keys.ts';
import { stamp } from './tx.ts';
import type { Change } from './tx.ts';
import { checkout } from './checkout.ts';

export interface PlannedWrite {
  action: 'insert' | 'replace' | 'remove' | 'none';
  /** insert/replace: the new version; remove: what the caller gets back; none: the caller's result. */
  object: ReportObject;
  /** replace/remove: the stored version being superseded. */
  old?: ReportObject;
}

export interface BatchOp<T> {
  key: ObjectKey;
  /** Whether `plan` needs the stored version (read with a row lock). */
  lock: boolean;
  /** Applies the lifecycle rules; throws a Docket error to refuse the write. */
  plan(existing: ReportObject | undefined): PlannedWrite;
  /** The caller's result; `rv` is the write's resourceVersion (0 when nothing was written). */
  result(planned: PlannedWrite, rv: number): T;
}

interface Pending {
  op: BatchOp<unknown>;
  key: string;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  attempts: number;
  /** Run in a batch of its own (after its batch failed with a database error). */
  solo: boolean;
}

export interface GroupCommitter {
  run<T>(op: BatchOp<T>): Promise<T>;
}

export interface GroupCommitOptions {
  pool: pg.Pool;
  clusterId: string;
  /** Writes per transaction. Default 200. */
  maxBatch?: number;
  /** Transactions in flight at once. Default 2: one commits while the next fills. */
  maxInFlight?: number;
  /** Result-attribute dictionary of this store. */
  keys: KeyDictionary;
}

/** SQLSTATEs after which a batch is simply retried. */
const RETRYABLE = new Set(['40P01', '40001']);

const CHANGE_TYPE = { insert: 'ADDED', replace: 'MODIFIED', remove: 'DELETED' } as const;

export function createGroupCommitter(opts: GroupCommitOptions): GroupCommitter {
  const maxBatch = opts.maxBatch ?? 200;
  const maxInFlight = opts.maxInFlight ?? 2;
  const clusterId = opts.clusterId;
  let queue: Pending[] = [];
  let inFlight = 0;
  let kickScheduled = false;
  const busyKeys = new Set<string>();

  function take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const keys = new Set<string>();
    for (const p of queue) {
      const fits = !keys.has(p.key) && !busyKeys.has(p.key) && batch.length < maxBatch
        && (batch.length === 0 || (!p.solo && !batch[0]!.solo));
      if (fits) { keys.add(p.key); batch.push(p); } else rest.push(p);
    }
    queue = rest;
    return batch.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * Starts batches on the next turn of the event loop, not synchronously: callers released by
   * the previous commit (and concurrent arrivals) queue their next write first, so batches fill.
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

  async function execute(c: pg.PoolClient, batch: Pending[]): Promise<(() => void)[]> {
    const existing = await lockMany(c, clusterId, batch.filter((p) => p.op.lock).map((p) => p.op.key));
    const settle: (() => void)[] = [];
    let live: { p: Pending; w: PlannedWrite; row?: RowWrite; keep?: boolean; sameLabels?: boolean }[] = [];
    for (const p of batch) {
      try {
        live.push({ p, w: p.op.plan(existing.get(p.key)) });
      } catch (e) {
        if (!isDocketError(e)) throw e;
        settle.push(() => p.reject(e));
      }
    }
    for (const x of live) if (x.w.action === 'insert' || x.w.action === 'replace') x.row = rowWrite(x.p.op.key, x.w.object);
    const inserts = live.filter((x) => x.w.action === 'insert');
    const inserted = await insertMany(c, clusterId, inserts.map((x) => x.row!));
    live = live.filter((x) => {
      if (x.w.action !== 'insert' || inserted.has(x.p.key)) return true;
      settle.push(() => x.p.reject(alreadyExists(x.p.op.key)));
      return false;
    });
    const replaces = live.filter((x) => x.w.action === 'replace');
    for (const x of replaces) {
      x.keep = canonicalJson(x.w.object.results ?? null) === canonicalJson(x.w.old?.results ?? null);
      x.sameLabels = canonicalJson(x.w.object.metadata.labels ?? {}) === canonicalJson(x.w.old?.metadata.labels ?? {});
    }
    const removes = live.filter((x) => x.w.action === 'remove');
    const inserts2 = live.filter((x) => x.w.action === 'insert');
    const rescored = replaces.filter((x) => !x.keep);
    await copyToHistory(c, clusterId, [...replaces, ...removes].map((x) => x.p.op.key));
    await clearResults(c, clusterId, [...removes, ...rescored].map((x) => x.p.op.key));
    await replaceMany(c, clusterId, replaces.map((x) => x.row!), replaces.map((x) => x.keep!));
    await removeMany(c, clusterId, removes.map((x) => x.p.op.key));
    const relabelled = replaces.filter((x) => !x.sameLabels);
    await writeLabels(c, clusterId, [...removes, ...relabelled].map((x) => x.p.op.key), [...inserts2, ...relabelled].map((x) => x.row!));
    const fresh = await insertResults(c, clusterId, [...inserts2, ...rescored].map((x) => x.row!), opts.keys);
    // Settled only after COMMIT: the cache never names a key a rolled-back transaction inserted.
    settle.push(() => opts.keys.remember(fresh));
    const changes: Change[] = [];
    const at = live.map((x) => {
      if (x.w.action === 'none') return -1;
      changes.push({ ...x.p.op.key, type: CHANGE_TYPE[x.w.action] });
      return changes.length;
    });
    const base = changes.length > 0 ? await stamp(c, clusterId, changes) : 0;
    live.forEach((x, i) => settle.push(() => {
      try { x.p.resolve(x.p.op.result(x.w, at[i]! < 0 ? 0 : base + at[i]!)); } catch (e) { x.p.reject(e); }
    }));
    return settle;
  }

  async function runBatch(batch: Pending[]): Promise<void> {
    let client: pg.PoolClient;
    let done: (failure?: Error | boolean) => void;
    try {
      ({ client, done } = await checkout(opts.pool));
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const settle = await execute(client, batch);
      await client.query('COMMIT');
      for (const s of settle) s();
    } catch (err) {
      await client.query('ROLLBACK').catch(() => { broken = true; });
      const retryable = RETRYABLE.has((err as { code?: string })?.code ?? '');
      const again: Pending[] = [];
      for (const p of batch) {
        // Alone, the write is the one at fault; in a batch, find out by retrying each alone.
        if ((p.solo || batch.length === 1) && !retryable) p.reject(err);
        else if (++p.attempts > 5) p.reject(err);
        else { if (!retryable) p.solo = true; again.push(p); }
      }
      queue = [...again, ...queue];
    } finally {
      done(broken);
    }
  }

  return {
    run<T>(op: BatchOp<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ op: op as BatchOp<unknown>, key: keyString(op.key), resolve: resolve as (v: unknown) => void, reject, attempts: 0, solo: false });
        scheduleKick();
      });
    },
  };
}

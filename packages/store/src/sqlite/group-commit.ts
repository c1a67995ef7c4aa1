/**
 * Group commit: every write queued during one event-loop turn runs in ONE SQLite transaction, so a
 * burst of writes pays for one fsync. Each write runs inside its own savepoint: a failing write is
 * rolled back alone and gets its own error while the rest of the batch commits. Results are
 * handed out only once the batch is durable: right after COMMIT, or, with `sync`, once that
 * fsync (run off the event loop) covers it, in commit order.
 */
import type Database from 'better-sqlite3';
import type { ChangeEvent } from '../shared/watch-hub.ts';
import { createSyncPipeline, type DurableSync } from './wal-sync.ts';

/** Per-batch context a write runs with. */
export interface TxContext {
  /** Allocates the next resourceVersion (rolled back with the write if it fails). */
  nextRv(): number;
  /** Wall clock of this batch. */
  now: Date;
  /**
   * Runs `fn` right after this batch commits, in registration order, if the calling write
   * succeeded (a write rolled back to its savepoint drops its callbacks). In-memory state that
   * mirrors the transaction is updated here, so it never names a change that was rolled back.
   */
  afterCommit(fn: () => void): void;
}

/** A write: returns its value and the changes it made (published to watchers after commit). */
export type WriteOp<T> = (tx: TxContext) => { value: T; events?: ChangeEvent[] };

interface Pending {
  op: WriteOp<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface GroupCommitter {
  run<T>(op: WriteOp<T>): Promise<T>;
  /** Resolves when everything queued so far has been committed. */
  drain(): Promise<void>;
}

export interface GroupCommitDeps {
  db: Database.Database;
  /** Reads the committed resourceVersion (called at batch start, inside the transaction). */
  getRv(): number;
  /** Persists the new resourceVersion inside the transaction, then remembers it. */
  saveRv(rv: number): void;
  /** Called right after COMMIT returns with the new resourceVersion (synchronously, before the next batch can start). */
  onCommit?(rv: number): void;
  /** Called once a committed batch is durable, with the new resourceVersion and the changes, in rv order. */
  committed(rv: number, events: ChangeEvent[]): void;
  /**
   * Makes everything committed so far durable, off the event loop (see wal-sync.ts). When set,
   * acknowledgements wait for it; without it COMMIT itself is taken as durable.
   */
  sync?: DurableSync;
  /** Called after any rollback (one write's savepoint or the whole batch), before the next write runs. */
  rolledBack?(): void;
  maxBatch?: number;
}

export function createGroupCommitter(deps: GroupCommitDeps): GroupCommitter {
  const { db } = deps;
  const maxBatch = deps.maxBatch ?? 1000;
  let queue: Pending[] = [];
  let scheduled = false;
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const rollback = db.prepare('ROLLBACK');
  const savepoint = db.prepare('SAVEPOINT w');
  const release = db.prepare('RELEASE w');
  const rollbackTo = db.prepare('ROLLBACK TO w');
  const durable = deps.sync ? createSyncPipeline(deps.sync) : undefined;

  function flush(): void {
    scheduled = false;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    if (queue.length > 0) schedule();
    if (batch.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const events: ChangeEvent[] = [];
    let start: number;
    try {
      begin.run();
      // Read under the write lock: another connection to the same file may have moved it.
      start = deps.getRv();
    } catch (error) {
      try { rollback.run(); } catch { /* no transaction open */ }
      for (const p of batch) p.reject(error);
      return;
    }
    let rv = start;
    const afterCommit: (() => void)[] = [];
    let pendingCallbacks: (() => void)[] = [];
    const tx: TxContext = { nextRv: () => ++rv, now: new Date(), afterCommit: (fn) => { pendingCallbacks.push(fn); } };
    try {
      for (const p of batch) {
        const before = rv;
        pendingCallbacks = [];
        savepoint.run();
        try {
          const r = p.op(tx);
          release.run();
          afterCommit.push(...pendingCallbacks);
          outcomes.push({ ok: true, value: r.value });
          if (r.events) events.push(...r.events);
        } catch (error) {
          rollbackTo.run();
          release.run();
          deps.rolledBack?.();
          rv = before;
          outcomes.push({ ok: false, error });
        }
      }
      if (rv !== start) deps.saveRv(rv);
      commit.run();
    } catch (error) {
      try { rollback.run(); } catch { /* already rolled back */ }
      deps.rolledBack?.();
      for (const p of batch) p.reject(error);
      return;
    }
    for (const fn of afterCommit) fn();
    deps.onCommit?.(rv);
    const settle = (syncError?: Error): void => {
      if (!syncError) deps.committed(rv, events);
      batch.forEach((p, i) => {
        const o = outcomes[i]!;
        if (syncError) p.reject(syncError);
        else if (o.ok) p.resolve(o.value);
        else p.reject(o.error);
      });
    };
    if (durable) durable.after(settle);
    else settle();
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  }

  return {
    run<T>(op: WriteOp<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ op: op as WriteOp<unknown>, resolve: resolve as (v: unknown) => void, reject });
        schedule();
      });
    },
    async drain() {
      await this.run(() => ({ value: undefined }));
    },
  };
}

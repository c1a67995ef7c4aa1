/**
 * The embedded SQLite engine (better-sqlite3, one connection, WAL). Writes go through group commit
 * (one transaction per event-loop turn, its fsync on the thread pool: wal-sync.ts); reads are synchronous on the same connection
 * and so always see committed state. Watchers are fed in process right after each commit. Result rows
 * are written in bulk behind the documents (result-index.ts); result queries write what waits first.
 */
import { UnavailableError } from '@docket/model';
import type { CollectionRef, ReportStore, StoreOptions } from '../types.ts';
import { resolveStoreOptions } from '../shared/options.ts';
import { createWatchHub } from '../shared/watch-hub.ts';
import { createGroupCommitter } from './group-commit.ts';
import { createMutations } from './mutations.ts';
import { createReads } from './reads.ts';
import { createResultQuery } from './result-query.ts';
import { openDatabase, type SqliteSynchronous } from './schema.ts';
import { createWalSync } from './wal-sync.ts';
import { prepareStatements } from './statements.ts';

export interface SqliteStoreOptions extends StoreOptions {
  /** File path, or ':memory:'. */
  path: string;
  /** FULL (default) fsyncs every commit: durable against power loss. NORMAL: durable against process crashes only. */
  sqliteSynchronous?: SqliteSynchronous;
  /** How often compaction runs; default 60 s. */
  compactIntervalMs?: number;
}

/** Give pages back to the OS only when more than this share of the file is free (else reuse them). */
const VACUUM_FREE_RATIO = 0.25;
const OPTIMIZE_INTERVAL_MS = 3_600_000;
/** Result rows (result-index.ts) are written once this many reports wait, or within RESULT_FLUSH_DELAY_MS. */
const RESULT_FLUSH_AT = 256;
const RESULT_FLUSH_DELAY_MS = 250;
/** At most this many reports' rows per write transaction, so one flush holds the event loop briefly. */
const RESULT_FLUSH_MAX = 512;

export async function createSqliteStore(opts: SqliteStoreOptions): Promise<ReportStore> {
  const o = resolveStoreOptions(opts);
  const synchronous = opts.sqliteSynchronous ?? 'FULL';
  // FULL on a file is kept by fsyncing the WAL ourselves, off the event loop (wal-sync.ts).
  const walSync = synchronous === 'FULL' && opts.path !== ':memory:' ? createWalSync(opts.path) : undefined;
  const db = openDatabase(opts.path, walSync ? 'NORMAL' : synchronous);
  const stmts = prepareStatements(db);
  let rv = stmts.getRv.get() as number;
  let compacted = stmts.getCompacted.get() as number;
  let closed = false;

  const reads = createReads({ db, stmts, clusterId: o.clusterId, currentRv: () => rv, compactedRv: () => compacted });
  const mutations = createMutations({ db, stmts, clusterId: o.clusterId });
  const resultQuery = createResultQuery(db, o.clusterId);
  const hub = createWatchHub({
    readChanges: async (ref, after, limit) => reads.readChanges(ref, after, limit),
    compactedRv: async () => compacted,
    list: async (ref, lo) => reads.list(ref, lo),
  }, { bufferSize: o.watchBufferSize, bookmarkIntervalMs: o.bookmarkIntervalMs });
  const writer = createGroupCommitter({
    db,
    getRv: () => { mutations.keys.checkEpoch(); return stmts.getRv.get() as number; },
    saveRv: (next) => { stmts.setRv.run(next); },
    // Reads see a batch from its COMMIT on (lists then carry a resourceVersion that covers every
    // row they return); writers and watchers hear of it once it is durable.
    onCommit: (next) => { rv = next; mutations.keys.committed(); if (index.size >= RESULT_FLUSH_AT) flushResults(); },
    committed: (_next, events) => { hub.publish(events); },
    sync: walSync,
    rolledBack: () => { mutations.keys.rolledBack(); },
  });

  const index = mutations.resultIndex;
  let flushing: Promise<number> | undefined;
  /** Queues one bulk write of waiting result rows (at most one queued at a time). */
  function flushResults(): void {
    flushing ??= writer.run((tx) => ({ value: index.flush(tx, RESULT_FLUSH_MAX) }))
      .catch(() => 0) // the rows stay waiting; the next flush retries them
      .finally(() => { flushing = undefined; });
  }
  /** Resolves once the rows of every write committed before the call are in the results table. */
  function flushAllResults(): Promise<number> {
    return writer.run((tx) => ({ value: index.flush(tx) }));
  }
  // Rows a crash kept from being written (their objects are flagged).
  await writer.run(() => ({ value: index.recover() }));
  let closing = false;
  const flushTimer = setInterval(() => { if (index.size > 0 && !closing) flushResults(); }, RESULT_FLUSH_DELAY_MS);
  flushTimer.unref();

  function compactNow(): string {
    const cutoff = Date.now() - o.historyRetentionMs;
    const firstKept = stmts.firstRetainedChange.get(cutoff) as number | undefined;
    const target = firstKept === undefined ? rv : firstKept - 1;
    if (target > compacted) {
      stmts.compactChanges.run(target);
      stmts.compactHistory.run(target);
      stmts.setCompacted.run(target);
      compacted = target;
    }
    // Dictionary rows no current result uses (objects deleted or rescored); inside the write
    // transaction, so no write can be about to reuse one.
    mutations.keys.prune();
    return String(compacted);
  }

  let lastOptimize = Date.now();
  function housekeeping(): void {
    if (closed) return;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    if (free > pages * VACUUM_FREE_RATIO) db.pragma(`incremental_vacuum(${Math.floor(free / 2)})`);
    // ANALYZE (through optimize) reads whole indexes: bounded by analysis_limit and run once an hour,
    // not with every compaction, so it cannot stall reads every minute on a large file.
    if (Date.now() - lastOptimize >= OPTIMIZE_INTERVAL_MS) {
      lastOptimize = Date.now();
      db.pragma('analysis_limit = 1000');
      db.pragma('optimize');
    }
  }

  const timer = setInterval(() => {
    void writer.run(() => ({ value: compactNow() }))
      .then(housekeeping)
      .catch(() => { /* retried on the next tick; compaction is best effort */ });
  }, opts.compactIntervalMs ?? 60_000);
  timer.unref();

  const guard = (): void => {
    if (closing) throw new UnavailableError('store is closed');
  };

  return {
    engine: 'sqlite',
    clusterId: o.clusterId,
    async create(key, obj, wo) { guard(); return writer.run(mutations.create(key, obj, wo)); },
    async update(key, obj, uo) { guard(); return writer.run(mutations.update(key, obj, uo)); },
    async delete(key, d) { guard(); return writer.run(mutations.delete(key, d)); },
    async deleteCollection(ref: CollectionRef, sel, wo) {
      guard();
      const { items } = reads.list(ref, { ...sel, projection: 'summary' });
      const settled = await Promise.allSettled(items.map((it) => writer.run(mutations.delete(
        { group: ref.group, resource: ref.resource, namespace: it.metadata.namespace ?? '', name: it.metadata.name ?? '' }, wo))));
      const out = [];
      for (const s of settled) {
        if (s.status === 'fulfilled') out.push(s.value.object);
        else if ((s.reason as { code?: string })?.code !== 'NOT_FOUND') throw s.reason;
      }
      return out;
    },
    async get(key) { guard(); return reads.get(key); },
    async list(ref, lo) { guard(); return reads.list(ref, lo); },
    async watch(ref, wo) { guard(); return hub.watch(ref, wo); },
    async countResults(ref, filter) { guard(); await flushAllResults(); return resultQuery.countResults(ref, filter); },
    async currentResourceVersion() { return String(rv); },
    async compact() { guard(); return writer.run(() => ({ value: compactNow() })); },
    async ping() { guard(); db.prepare('SELECT 1').get(); },
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(flushTimer);
      await writer.drain();
      // Nothing can be staged any more; rows that fail here stay flagged and are rebuilt on the next open.
      while (index.size > 0) {
        const written = await flushAllResults().catch(() => 0);
        if (written === 0) break;
      }
      closed = true;
      clearInterval(timer);
      hub.close();
      db.close();
      walSync?.close();
    },
  };
}

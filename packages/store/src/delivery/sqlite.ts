/**
 * The outbox on SQLite: its own better-sqlite3 connection to the report store's file (WAL lets both
 * connections work side by side; busy_timeout waits out the report store's short write
 * transactions). Every method is one transaction; claims are IMMEDIATE so two claimers of one file
 * never interleave.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { ROW_COLUMNS, checkClaim, claimable, encodeNew, parseListOptions, toDelivery, toPage, type DeliveryRow } from './rows.ts';
import type { ClaimRequest, DeliveryClaim, DeliveryCount, DeliveryState, DeliveryStore, DeliveryStoreOptions, NewDelivery } from './types.ts';
import { createWalSync } from '../sqlite/wal-sync.ts';
import { createGroupCommitter, type GroupCommitter } from '../sqlite/group-commit.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  -- AUTOINCREMENT: ids are never reused after pruning, so id order stays enqueue order.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  cluster_id TEXT NOT NULL, target TEXT NOT NULL, key TEXT NOT NULL, payload TEXT NOT NULL,
  state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
  created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,
  owner TEXT, claim_token TEXT, lease_until INTEGER, done_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS deliveries_key ON deliveries (cluster_id, target, key);
CREATE INDEX IF NOT EXISTS deliveries_active ON deliveries (cluster_id, target, id) WHERE state IN ('pending', 'inflight');
-- Serves nextDueAt (min next_attempt_at of one target's pending rows) and counts by state.
CREATE INDEX IF NOT EXISTS deliveries_state_due ON deliveries (cluster_id, state, target, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_state ON deliveries (cluster_id, state, id);
CREATE INDEX IF NOT EXISTS deliveries_sent ON deliveries (cluster_id, done_at) WHERE state = 'sent';
CREATE TABLE IF NOT EXISTS delivery_cursors (
  cluster_id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (cluster_id, name)
) WITHOUT ROWID;
`;

const ACTIVE = `cluster_id = ? AND target = ? AND state IN ('pending', 'inflight')`;
const HELD = `cluster_id = ? AND claim_token = ? AND state = 'inflight' AND id IN (SELECT value FROM json_each(?))`;
const UNCLAIM = 'owner = NULL, claim_token = NULL, lease_until = NULL';

export interface SqliteDeliveryOptions extends DeliveryStoreOptions {
  /** File path, or ':memory:' (then the outbox is private to this connection). */
  path: string;
  /** As the report store's: FULL (default) fsyncs enqueues and marks; NORMAL survives process crashes only. */
  synchronous?: 'FULL' | 'NORMAL';
}

export async function createSqliteDeliveryStore(opts: SqliteDeliveryOptions): Promise<DeliveryStore> {
  const cluster = opts.clusterId ?? 'default';
  const db = new Database(opts.path);
  // Same file layout the report store asks for, in case the outbox creates the file first; both
  // pragmas are no-ops on an existing database.
  db.pragma('page_size = 8192');
  db.pragma('auto_vacuum = INCREMENTAL');
  if (opts.path !== ':memory:') db.pragma('journal_mode = WAL');
  const sync = opts.synchronous ?? 'FULL';
  // FULL is kept as the report store keeps it (../sqlite/wal-sync.ts): the connection commits
  // without an fsync and the call resolves once an fsync of the WAL, run on the thread pool, covers
  // it. The event loop never waits for the disk, and concurrent calls share one fsync.
  const walSync = sync === 'FULL' && opts.path !== ':memory:' ? createWalSync(opts.path) : undefined;
  db.pragma(`synchronous = ${walSync ? 'NORMAL' : sync}`);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
  db.exec(SCHEMA);

  const s = {
    insert: db.prepare(`INSERT INTO deliveries (cluster_id, target, key, payload, state, created_at, next_attempt_at)
      VALUES (?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (cluster_id, target, key) DO NOTHING`),
    setCursor: db.prepare(`INSERT INTO delivery_cursors (cluster_id, name, value) VALUES (?, ?, ?)
      ON CONFLICT (cluster_id, name) DO UPDATE SET value = excluded.value`),
    getCursor: db.prepare('SELECT value FROM delivery_cursors WHERE cluster_id = ? AND name = ?').pluck(),
    dueIds: db.prepare(`SELECT id FROM deliveries WHERE ${ACTIVE}
      AND ((state = 'pending' AND next_attempt_at <= ?) OR (state = 'inflight' AND lease_until <= ?)) ORDER BY id LIMIT ?`).pluck(),
    head: db.prepare(`SELECT id, state, next_attempt_at, lease_until FROM deliveries WHERE ${ACTIVE} ORDER BY id LIMIT ?`),
    take: db.prepare(`UPDATE deliveries SET state = 'inflight', owner = ?, claim_token = ?, lease_until = ?, attempts = attempts + 1
      WHERE id IN (SELECT value FROM json_each(?)) RETURNING ${ROW_COLUMNS}`),
    sent: db.prepare(`UPDATE deliveries SET state = 'sent', done_at = ?, ${UNCLAIM} WHERE ${HELD}`),
    retry: db.prepare(`UPDATE deliveries SET state = 'pending', last_error = ?, next_attempt_at = ?, ${UNCLAIM} WHERE ${HELD}`),
    dead: db.prepare(`UPDATE deliveries SET state = 'dead', last_error = ?, done_at = ?, ${UNCLAIM} WHERE ${HELD}`),
    release: db.prepare(`UPDATE deliveries SET state = 'pending', attempts = max(attempts - 1, 0), ${UNCLAIM} WHERE ${HELD}`),
    minPending: db.prepare(`SELECT min(next_attempt_at) FROM deliveries WHERE cluster_id = ? AND target = ? AND state = 'pending'`).pluck(),
    minLease: db.prepare(`SELECT min(lease_until) FROM deliveries WHERE cluster_id = ? AND target = ? AND state = 'inflight'`).pluck(),
    counts: db.prepare('SELECT target, state, count(*) AS count FROM deliveries WHERE cluster_id = ? GROUP BY target, state ORDER BY target, state'),
    requeueAll: db.prepare(`UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?, done_at = NULL WHERE cluster_id = ? AND state = 'dead'`),
    requeueOne: db.prepare(`UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?, done_at = NULL WHERE cluster_id = ? AND state = 'dead' AND target = ?`),
    prune: db.prepare(`DELETE FROM deliveries WHERE id IN
      (SELECT id FROM deliveries WHERE cluster_id = ? AND state = 'sent' AND done_at < ? LIMIT ?)`),
  };

  const enqueueTx = db.transaction((items: readonly NewDelivery[], cursors: Readonly<Record<string, string>>, now: number) => {
    const rows = items.map(encodeNew);
    let n = 0;
    for (const r of rows) n += s.insert.run(cluster, r.target, r.key, r.payload, now, now).changes;
    for (const [name, value] of Object.entries(cursors)) s.setCursor.run(cluster, name, String(value));
    return n;
  });

  const claimTx = db.transaction((req: ClaimRequest, now: number, token: string): DeliveryClaim => {
    let ids: number[];
    if (req.ordered) {
      ids = [];
      for (const r of s.head.all(cluster, req.target, req.limit) as Array<Pick<DeliveryRow, 'id' | 'state' | 'next_attempt_at' | 'lease_until'>>) {
        if (!claimable(r, now)) break;
        ids.push(Number(r.id));
      }
    } else {
      ids = s.dueIds.all(cluster, req.target, now, now, req.limit) as number[];
    }
    const leaseUntil = now + req.leaseMs;
    const rows = ids.length ? (s.take.all(req.owner, token, leaseUntil, JSON.stringify(ids)) as DeliveryRow[]) : [];
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    return { token, owner: req.owner, leaseUntil, items: rows.map(toDelivery) };
  });

  const idList = (ids: readonly string[]): string => JSON.stringify(ids.map(Number));
  // Group commit, as for reports: the calls of one event-loop turn (a dispatcher's lanes marking
  // and claiming side by side) share one transaction, each in its own savepoint. Enqueues and marks
  // resolve once durable; claims need not wait (see claim).
  const noRv = { getRv: () => 0, saveRv: () => undefined, committed: () => undefined };
  const durableWrites = createGroupCommitter({ db, ...noRv, ...(walSync ? { sync: walSync } : {}) });
  const claims = createGroupCommitter({ db, ...noRv });
  const write = <T>(w: GroupCommitter, fn: () => T): Promise<T> => w.run(() => ({ value: fn() }));
  const listStatements = new Map<string, Database.Statement>();

  return {
    async enqueue(items, cursors = {}) {
      const now = Date.now();
      return write(durableWrites, () => enqueueTx(items, cursors, now));
    },
    async readCursor(name) {
      return s.getCursor.get(cluster, name) as string | undefined;
    },
    async claim(req) {
      checkClaim(req.limit, req.leaseMs);
      // A claim need not wait for the disk: losing it leaves the rows pending, the state an
      // expired lease reaches anyway, and the mark that follows waits for an fsync covering both.
      const now = req.now ?? Date.now();
      return write(claims, () => claimTx(req, now, randomUUID()));
    },
    async markSent(token, ids, now = Date.now()) {
      return ids.length ? write(durableWrites, () => s.sent.run(now, cluster, token, idList(ids)).changes) : 0;
    },
    async markRetry(token, ids, error, nextAttemptAt) {
      return ids.length ? write(durableWrites, () => s.retry.run(error, nextAttemptAt, cluster, token, idList(ids)).changes) : 0;
    },
    async markDead(token, ids, error, now = Date.now()) {
      return ids.length ? write(durableWrites, () => s.dead.run(error, now, cluster, token, idList(ids)).changes) : 0;
    },
    async release(token, ids) {
      return ids.length ? write(durableWrites, () => s.release.run(cluster, token, idList(ids)).changes) : 0;
    },
    async nextDueAt(target) {
      const a = s.minPending.get(cluster, target) as number | null;
      const b = s.minLease.get(cluster, target) as number | null;
      if (a === null && b === null) return undefined;
      return Math.min(a ?? Infinity, b ?? Infinity);
    },
    async list(opts) {
      const q = parseListOptions(opts);
      const where = ['cluster_id = ?', 'id > ?'];
      const args: unknown[] = [cluster, q.after];
      if (q.target !== undefined) { where.push('target = ?'); args.push(q.target); }
      if (q.state !== undefined) { where.push('state = ?'); args.push(q.state); }
      const sql = `SELECT ${ROW_COLUMNS} FROM deliveries WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`;
      let stmt = listStatements.get(sql);
      if (!stmt) listStatements.set(sql, stmt = db.prepare(sql)); // four shapes at most
      const rows = stmt.all(...args, q.limit + 1) as DeliveryRow[];
      return toPage(rows, q.limit);
    },
    async counts(states) {
      const rows = states === undefined ? s.counts.all(cluster) : states.length === 0 ? [] : db.prepare(`SELECT target, state, count(*) AS count FROM deliveries
        WHERE cluster_id = ? AND state IN (${states.map(() => '?').join(', ')}) GROUP BY target, state ORDER BY target, state`).all(cluster, ...states);
      return (rows as Array<{ target: string; state: DeliveryState; count: number }>)
        .map((r): DeliveryCount => ({ target: r.target, state: r.state, count: Number(r.count) }));
    },
    async requeueDead(target) {
      return (target === undefined ? s.requeueAll.run(Date.now(), cluster) : s.requeueOne.run(Date.now(), cluster, target)).changes;
    },
    async pruneSent(before, limit = 10_000) {
      return s.prune.run(cluster, before, limit).changes;
    },
    async close() {
      await Promise.all([durableWrites.drain(), claims.drain()]).catch(() => undefined);
      if (db.open) db.close();
      walSync?.close();
    },
  };
}

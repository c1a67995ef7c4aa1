/**
 * Writes a report's result rows: each result's repeating attributes are interned in `result_keys`
 * (an in-process cache answers known keys without a query) and the row itself holds only the key
 * id, the binary result id, the timestamp and an own subject. Rewrites are diffed by position:
 * unchanged rows are left alone, so a rewrite that only moves timestamps touches no index.
 */
import type Database from 'better-sqlite3';
import { attrHash, type ResultAttrs, type ResultRow } from '../shared/rows.ts';

/** The cache is dropped whole past this many keys (a real cluster has a few thousand). */
const CACHE_LIMIT = 100_000;

interface StoredRow {
  seq: number;
  key_id: number;
  result_id: Buffer;
  ts: number | null;
  subject_uid: string | null;
  subject_kind: string | null;
  subject_name: string | null;
  subject_namespace: string | null;
}

function rowValues(keyId: number, r: ResultRow): unknown[] {
  const s = r.subject;
  return [keyId, r.resultId, r.timestamp, s?.uid ?? null, s?.kind ?? null, s?.name ?? null, s?.namespace ?? null];
}

function sameRow(old: StoredRow, keyId: number, r: ResultRow): boolean {
  const s = r.subject;
  return old.key_id === keyId && old.ts === r.timestamp && old.result_id.equals(r.resultId)
    && old.subject_uid === (s?.uid ?? null) && old.subject_kind === (s?.kind ?? null)
    && old.subject_name === (s?.name ?? null) && old.subject_namespace === (s?.namespace ?? null);
}

/**
 * Interns attribute tuples. Ids found or inserted inside a transaction are held in `fresh` and only
 * enter the cache once that transaction commits (`committed`); a rollback (`rolledBack`) forgets
 * them, so the cache never names a row that does not exist. Pruning unreferenced keys (`prune`,
 * inside a write transaction) bumps `keys_epoch` in meta; every batch starts with `checkEpoch`, so
 * another store on the same file (other cluster id, other process) drops its cache too.
 */
export function createKeyDictionary(db: Database.Database, clusterId: string) {
  const insert = db.prepare(`INSERT OR IGNORE INTO result_keys (hash, cluster_id, policy, rule, result, severity, category, source, scored, message)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const find = db.prepare('SELECT id FROM result_keys WHERE hash = ?').pluck();
  const getEpoch = db.prepare("SELECT value FROM meta WHERE key = 'keys_epoch'").pluck();
  const bumpEpoch = db.prepare(`INSERT INTO meta (key, value) VALUES ('keys_epoch', 1)
    ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value`).pluck();
  const pruneKeys = db.prepare('DELETE FROM result_keys WHERE NOT EXISTS (SELECT 1 FROM results r WHERE r.key_id = result_keys.id)');
  const cache = new Map<string, number>();
  let fresh = new Map<string, number>();
  let epoch = (getEpoch.get() as number | undefined) ?? 0;

  function reset(): void { cache.clear(); fresh = new Map(); }

  function idOf(attrKey: string, a: ResultAttrs): number {
    const hit = cache.get(attrKey) ?? fresh.get(attrKey);
    if (hit !== undefined) return hit;
    const hash = attrHash(clusterId, attrKey);
    const r = insert.run(hash, clusterId, a.policy, a.rule, a.result, a.severity, a.category, a.source, a.scored, a.message);
    const id = r.changes > 0 ? Number(r.lastInsertRowid) : find.get(hash) as number;
    fresh.set(attrKey, id);
    return id;
  }

  return {
    idOf,
    committed(): void {
      if (fresh.size === 0) return;
      if (cache.size + fresh.size > CACHE_LIMIT) cache.clear();
      for (const [k, v] of fresh) cache.set(k, v);
      fresh = new Map();
    },
    rolledBack(): void { fresh = new Map(); },
    /** Call at the start of each write transaction: drops the cache if any store pruned keys since. */
    checkEpoch(): void {
      const now = (getEpoch.get() as number | undefined) ?? 0;
      if (now !== epoch) { reset(); epoch = now; }
    },
    /** Deletes keys no result row uses (inside a write transaction); returns how many. */
    prune(): number {
      const n = pruneKeys.run().changes;
      if (n > 0) { epoch = bumpEpoch.get() as number; reset(); }
      return n;
    },
  };
}

export type KeyDictionary = ReturnType<typeof createKeyDictionary>;

export function createResultRowWriter(db: Database.Database, keys: KeyDictionary) {
  const insert = db.prepare(`INSERT INTO results (object_id, seq, key_id, result_id, ts, subject_uid, subject_kind, subject_name, subject_namespace)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const update = db.prepare(`UPDATE results SET key_id = ?, result_id = ?, ts = ?, subject_uid = ?, subject_kind = ?,
    subject_name = ?, subject_namespace = ? WHERE object_id = ? AND seq = ?`);
  const readAll = db.prepare(`SELECT seq, key_id, result_id, ts, subject_uid, subject_kind, subject_name, subject_namespace
    FROM results WHERE object_id = ? ORDER BY seq`);
  const deleteFrom = db.prepare('DELETE FROM results WHERE object_id = ? AND seq >= ?');

  function insertRows(id: number, rows: readonly ResultRow[], from = 0): void {
    for (let seq = from; seq < rows.length; seq++) {
      const r = rows[seq]!;
      insert.run(id, seq, ...rowValues(keys.idOf(r.attrKey, r.attrs), r));
    }
  }

  /** Brings the stored rows of object `id` to `rows`, touching only what changed. */
  function syncRows(id: number, rows: readonly ResultRow[]): void {
    const old = readAll.all(id) as StoredRow[];
    const common = Math.min(old.length, rows.length);
    for (let seq = 0; seq < common; seq++) {
      const r = rows[seq]!;
      const keyId = keys.idOf(r.attrKey, r.attrs);
      if (!sameRow(old[seq]!, keyId, r)) update.run(...rowValues(keyId, r), id, seq);
    }
    if (old.length > rows.length) deleteFrom.run(id, rows.length);
    insertRows(id, rows, common);
  }

  return { syncRows };
}

export type ResultRowWriter = ReturnType<typeof createResultRowWriter>;

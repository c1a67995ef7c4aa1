/** Prepared statements, created once per connection. */
import type Database from 'better-sqlite3';

export interface ObjectRow {
  id: number;
  rv: number;
  uid: string;
  head: string;
  mf: Buffer | null;
  results: Buffer | null;
}

export function prepareStatements(db: Database.Database) {
  return {
    getRv: db.prepare("SELECT value FROM meta WHERE key = 'rv'").pluck(),
    setRv: db.prepare("UPDATE meta SET value = ? WHERE key = 'rv'"),
    getCompacted: db.prepare("SELECT value FROM meta WHERE key = 'compacted_rv'").pluck(),
    setCompacted: db.prepare("UPDATE meta SET value = ? WHERE key = 'compacted_rv'"),
    getObject: db.prepare(
      'SELECT id, rv, uid, head, mf, results FROM objects WHERE cluster_id = ? AND grp = ? AND resource = ? AND namespace = ? AND name = ?',
    ),
    exists: db.prepare(
      'SELECT 1 FROM objects WHERE cluster_id = ? AND grp = ? AND resource = ? AND namespace = ? AND name = ?',
    ).pluck(),
    insertObject: db.prepare(`INSERT INTO objects
      (cluster_id, grp, resource, namespace, name, uid, rv, scope_kind, scope_name, scope_namespace, scope_uid, source, head, mf, results, results_stale)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`),
    // The last parameter is 1 when the results changed (their rows now lag: result-index.ts), else null.
    updateObject: db.prepare(`UPDATE objects SET rv = ?, scope_kind = ?, scope_name = ?, scope_namespace = ?, scope_uid = ?,
      source = ?, head = ?, mf = ?, results = ?, results_stale = coalesce(?, results_stale) WHERE id = ?`),
    deleteObject: db.prepare('DELETE FROM objects WHERE id = ?'),
    insertLabel: db.prepare('INSERT INTO labels (object_id, key, value, cluster_id) VALUES (?, ?, ?, ?)'),
    deleteLabels: db.prepare('DELETE FROM labels WHERE object_id = ?'),
    deleteResults: db.prepare('DELETE FROM results WHERE object_id = ?'),
    toHistory: db.prepare(`INSERT INTO history (rv_to, rv_from, cluster_id, grp, resource, namespace, name, uid, head, mf, results)
      SELECT ?, rv, cluster_id, grp, resource, namespace, name, uid, head, mf, results FROM objects WHERE id = ?`),
    insertChange: db.prepare(
      'INSERT INTO changes (rv, ts, type, cluster_id, grp, resource, namespace, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    countUp: db.prepare(`INSERT INTO counts (cluster_id, grp, resource, namespace, n) VALUES (?, ?, ?, ?, 1)
      ON CONFLICT (cluster_id, grp, resource, namespace) DO UPDATE SET n = n + 1`),
    countDown: db.prepare('UPDATE counts SET n = n - 1 WHERE cluster_id = ? AND grp = ? AND resource = ? AND namespace = ?'),
    firstRetainedChange: db.prepare('SELECT rv FROM changes WHERE ts >= ? ORDER BY rv LIMIT 1').pluck(),
    compactChanges: db.prepare('DELETE FROM changes WHERE rv <= ?'),
    compactHistory: db.prepare('DELETE FROM history WHERE rv_to <= ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

export const CHANGE_TYPES = { ADDED: 1, MODIFIED: 2, DELETED: 3 } as const;
export const CHANGE_TYPE_NAMES = ['', 'ADDED', 'MODIFIED', 'DELETED'] as const;

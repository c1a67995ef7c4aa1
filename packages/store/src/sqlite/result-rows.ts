/**
 * Writes a report's result rows. Rewrites are diffed by position: unchanged rows are left alone and
 * changed rows are updated column by column, so a rewrite that only moves timestamps (the usual
 * background rescan) touches no index at all.
 */
import type Database from 'better-sqlite3';
import type { ResultRow } from '../shared/rows.ts';

/** Column name for each ResultRow field, in insert order after (object_id, seq, cluster_id, namespace). */
const FIELDS: readonly [keyof ResultRow, string][] = [
  ['resultId', 'result_id'], ['policy', 'policy'], ['rule', 'rule'], ['result', 'result'], ['severity', 'severity'],
  ['category', 'category'], ['source', 'source'], ['scored', 'scored'], ['message', 'message'], ['subjectKind', 'subject_kind'],
  ['subjectName', 'subject_name'], ['subjectNamespace', 'subject_namespace'], ['subjectUid', 'subject_uid'], ['timestamp', 'ts'],
];

type StoredRow = Record<string, unknown> & { seq: number };

export function createResultRowWriter(db: Database.Database, clusterId: string) {
  const insert = db.prepare(`INSERT INTO results (object_id, seq, cluster_id, namespace, ${FIELDS.map((f) => f[1]).join(', ')})
    VALUES (?, ?, ?, ?, ${FIELDS.map(() => '?').join(', ')})`);
  const readAll = db.prepare(`SELECT seq, namespace, ${FIELDS.map((f) => f[1]).join(', ')} FROM results WHERE object_id = ? ORDER BY seq`);
  const deleteFrom = db.prepare('DELETE FROM results WHERE object_id = ? AND seq >= ?');
  const deleteAll = db.prepare('DELETE FROM results WHERE object_id = ?');
  const updates = new Map<number, Database.Statement>();

  function updateFor(mask: number): Database.Statement {
    let s = updates.get(mask);
    if (!s) {
      const sets = FIELDS.filter((_, i) => mask & (1 << i)).map((f) => `${f[1]} = ?`);
      s = db.prepare(`UPDATE results SET ${sets.join(', ')} WHERE object_id = ? AND seq = ?`);
      updates.set(mask, s);
    }
    return s;
  }

  function insertRows(id: number, namespace: string, rows: readonly ResultRow[], from = 0): void {
    for (let seq = from; seq < rows.length; seq++) {
      const r = rows[seq]!;
      insert.run(id, seq, clusterId, namespace, ...FIELDS.map((f) => r[f[0]]));
    }
  }

  /** Brings the stored rows of object `id` to `rows`, touching only what changed. */
  function syncRows(id: number, namespace: string, rows: readonly ResultRow[]): void {
    const old = readAll.all(id) as StoredRow[];
    if (old.length > 0 && old[0]!['namespace'] !== namespace) {
      deleteAll.run(id);
      insertRows(id, namespace, rows);
      return;
    }
    const common = Math.min(old.length, rows.length);
    for (let seq = 0; seq < common; seq++) {
      const prev = old[seq]!;
      const next = rows[seq]!;
      let mask = 0;
      const values: unknown[] = [];
      FIELDS.forEach(([field, col], i) => {
        const v = next[field];
        if (prev[col] !== v) { mask |= 1 << i; values.push(v); }
      });
      if (mask) updateFor(mask).run(...values, id, seq);
    }
    if (old.length > rows.length) deleteFrom.run(id, rows.length);
    insertRows(id, namespace, rows, common);
  }

  return { insertRows, syncRows, deleteAll: (id: number) => { deleteAll.run(id); } };
}

/** Result queries over the normalised rows: results ⋈ result_keys ⋈ objects, never documents. */
import type Database from 'better-sqlite3';
import type { CollectionRef, ResultFilter } from '../types.ts';

/** Filter fields answered by a result_keys column. */
const KEY_COLUMNS = ['policy', 'rule', 'result', 'severity', 'category', 'source'] as const;

export function createResultQuery(db: Database.Database, clusterId: string) {
  const cache = new Map<string, Database.Statement>();
  const prep = (sql: string): Database.Statement => {
    let s = cache.get(sql);
    if (!s) { s = db.prepare(sql); cache.set(sql, s); }
    return s;
  };

  /** Number of current results of `ref` matching `filter`. */
  function countResults(ref: CollectionRef, filter: ResultFilter = {}): number {
    const where = ['o.cluster_id = ?', 'o.grp = ?', 'o.resource = ?'];
    const args: unknown[] = [clusterId, ref.group, ref.resource];
    if (ref.namespace !== undefined) { where.push('o.namespace = ?'); args.push(ref.namespace); }
    for (const col of KEY_COLUMNS) {
      const v = filter[col];
      if (v !== undefined) { where.push(`k.${col} = ?`); args.push(v); }
    }
    const from = 'results r JOIN result_keys k ON k.id = r.key_id JOIN objects o ON o.id = r.object_id';
    if (filter.subjectUid === undefined) {
      return prep(`SELECT count(*) FROM ${from} WHERE ${where.join(' AND ')}`).pluck().get(...args) as number;
    }
    // An own subject wins; without one the result is about the report's scope. Two counts, each
    // driven by its own index (results_subject; objects_scope_uid), instead of one OR that scans.
    const w = where.join(' AND ');
    return prep(`SELECT (SELECT count(*) FROM ${from} WHERE ${w} AND r.subject_uid = ?)
      + (SELECT count(*) FROM ${from} WHERE ${w} AND o.scope_uid = ? AND r.subject_uid IS NULL)`)
      .pluck().get(...args, filter.subjectUid, ...args, filter.subjectUid) as number;
  }

  return { countResults };
}

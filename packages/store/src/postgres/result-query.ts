/** Result queries over the normalised rows: docket_results ⋈ docket_result_keys ⋈ docket_objects, never documents. */
import type pg from 'pg';
import type { CollectionRef, ResultFilter } from '../types.ts';

/** Filter fields answered by a docket_result_keys column. */
const KEY_COLUMNS = ['policy', 'rule', 'result', 'severity', 'category', 'source'] as const;

/** Number of current results of `ref` matching `filter`. */
export async function countResults(pool: pg.Pool, clusterId: string, ref: CollectionRef, filter: ResultFilter = {}): Promise<number> {
  const values: unknown[] = [clusterId, ref.group, ref.resource];
  const p = (v: unknown): string => { values.push(v); return `$${values.length}`; };
  const where = ['o.cluster_id = $1', 'o.grp = $2', 'o.resource = $3'];
  if (ref.namespace !== undefined) where.push(`o.namespace = ${p(ref.namespace)}`);
  for (const col of KEY_COLUMNS) {
    const v = filter[col];
    if (v !== undefined) where.push(`k.${col} = ${p(v)}`);
  }
  const from = 'docket_results r JOIN docket_result_keys k ON k.id = r.key_id JOIN docket_objects o ON o.id = r.object_id';
  const w = where.join(' AND ');
  let sql = `SELECT count(*)::text AS n FROM ${from} WHERE ${w}`;
  if (filter.subjectUid !== undefined) {
    // An own subject wins; without one the result is about the report's scope. Two counts, each
    // driven by its own index, instead of one OR that scans.
    const u = p(filter.subjectUid);
    sql = `SELECT ((SELECT count(*) FROM ${from} WHERE ${w} AND r.res_uid = ${u})
      + (SELECT count(*) FROM ${from} WHERE ${w} AND o.scope_uid = ${u} AND r.res_uid IS NULL))::text AS n`;
  }
  const r = await pool.query<{ n: string }>(sql, values);
  return Number(r.rows[0]!.n);
}

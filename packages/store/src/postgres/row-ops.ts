/**
 * Row-level statements for one object key inside an open transaction (deleteCollection; single
 * writes go through the set-oriented group commit in bulk.ts). Each verb is ONE statement (data-modifying CTEs) to keep round trips, and so transaction time,
 * low. None of them knows the resourceVersion: `runWrite` stamps it at the end.
 *
 * All sub-statements of a WITH see the snapshot from before the statement, so "copy the current
 * version to history" and "replace the current version" can share one statement. Index rows are
 * upserted and trimmed (never deleted and re-inserted under the same key in one statement).
 */
import type pg from 'pg';
import type { ReportObject } from '@docket/model';
import { canonicalJson } from '../shared/canonical.ts';
import { toRow } from './rows.ts';
import type { ObjectRow } from './rows.ts';
import { Params } from './sql-filter.ts';
import { keyWhere } from './tx.ts';

export interface RowKey {
  clusterId: string;
  group: string;
  resource: string;
  namespace: string;
  name: string;
}

function keyParams(k: RowKey): string[] {
  return [k.clusterId, k.group, k.resource, k.namespace, k.name];
}

export async function exists(c: pg.Pool | pg.PoolClient, k: RowKey): Promise<boolean> {
  const r = await c.query(`SELECT 1 FROM docket_objects WHERE ${keyWhere('', 1)}`, keyParams(k));
  return r.rowCount !== 0;
}

const KEY = '$1, $2, $3, $4, $5';
const COPY_TO_HISTORY = `hist AS (INSERT INTO docket_history (cluster_id, grp, resource, namespace, name, rv, superseded_rv,
    uid, scope_kind, scope_name, scope_namespace, scope_uid, source, head, results)
  SELECT cluster_id, grp, resource, namespace, name, rv, NULL, uid, scope_kind, scope_name, scope_namespace,
    scope_uid, source, head, results FROM docket_objects WHERE ${keyWhere('', 1)})`;

function labelCtes(p: Params, row: ObjectRow): string[] {
  const keys = p.add(row.labelKeys);
  const out = [`ins_labels AS (INSERT INTO docket_labels (cluster_id, grp, resource, namespace, name, key, value)
    SELECT ${KEY}, t.k, t.v FROM unnest(${keys}::text[], ${p.add(row.labelValues)}::text[]) AS t(k, v)
    ON CONFLICT (cluster_id, grp, resource, namespace, name, key) DO UPDATE SET value = EXCLUDED.value)`];
  out.push(`del_labels AS (DELETE FROM docket_labels WHERE ${keyWhere('', 1)} AND NOT (key = ANY(${keys}::text[])))`);
  return out;
}

function resultCtes(p: Params, row: ObjectRow): string[] {
  const r = row.resultCols;
  const out = [`ins_results AS (INSERT INTO docket_results (cluster_id, grp, resource, namespace, name, idx, result_id,
      policy, rule, result, severity, category, source, res_kind, res_namespace, res_name, res_uid, ts)
    SELECT ${KEY}, t.* FROM unnest(${p.add(r.idx)}::int[], ${p.add(r.resultId)}::text[], ${p.add(r.policy)}::text[],
      ${p.add(r.rule)}::text[], ${p.add(r.result)}::text[], ${p.add(r.severity)}::text[], ${p.add(r.category)}::text[],
      ${p.add(r.source)}::text[], ${p.add(r.resKind)}::text[], ${p.add(r.resNamespace)}::text[], ${p.add(r.resName)}::text[],
      ${p.add(r.resUid)}::text[], ${p.add(r.ts)}::bigint[]) AS t
    ON CONFLICT (cluster_id, grp, resource, namespace, name, idx) DO UPDATE SET result_id = EXCLUDED.result_id,
      policy = EXCLUDED.policy, rule = EXCLUDED.rule, result = EXCLUDED.result, severity = EXCLUDED.severity,
      category = EXCLUDED.category, source = EXCLUDED.source, res_kind = EXCLUDED.res_kind,
      res_namespace = EXCLUDED.res_namespace, res_name = EXCLUDED.res_name, res_uid = EXCLUDED.res_uid, ts = EXCLUDED.ts)`];
  out.push(`del_results AS (DELETE FROM docket_results WHERE ${keyWhere('', 1)} AND idx >= ${p.add(r.idx.length)})`);
  return out;
}

/**
 * Keeps the current version in history and replaces it with `obj` (`old` is the current version,
 * used to skip index rows that did not change).
 */
export async function replaceObject(c: pg.PoolClient, k: RowKey, obj: ReportObject, old: ReportObject): Promise<void> {
  const row = toRow(obj);
  const sameResults = obj.results === old.results || canonicalJson(obj.results ?? null) === canonicalJson(old.results ?? null);
  const sameLabels = canonicalJson(obj.metadata.labels ?? {}) === canonicalJson(old.metadata.labels ?? {});
  const p = new Params();
  for (const v of keyParams(k)) p.add(v);
  const sets = [`uid = ${p.add(row.uid)}`, `head = ${p.add(row.head)}`,
    ...['scope_kind', 'scope_name', 'scope_namespace', 'scope_uid', 'source'].map((col, i) => `${col} = ${p.add(row.fields[i])}`)];
  if (!sameResults) sets.push(`results = ${p.add(jsonParam(row.results))}`);
  const ctes = [COPY_TO_HISTORY, `upd AS (UPDATE docket_objects SET ${sets.join(', ')} WHERE ${keyWhere('', 1)})`];
  if (!sameLabels) ctes.push(...labelCtes(p, row));
  if (!sameResults) ctes.push(...resultCtes(p, row));
  await c.query({ name: `docket-rep-${sameResults}-${sameLabels}`, text: `WITH ${ctes.join(',\n')} SELECT 1`, values: p.values });
}

/** Keeps the current version in history and removes the object and its index rows. */
export async function removeObject(c: pg.PoolClient, k: RowKey): Promise<void> {
  await c.query({ name: 'docket-rm', text: `WITH ${COPY_TO_HISTORY},
    del_obj AS (DELETE FROM docket_objects WHERE ${keyWhere('', 1)}),
    del_labels AS (DELETE FROM docket_labels WHERE ${keyWhere('', 1)}),
    del_results AS (DELETE FROM docket_results WHERE ${keyWhere('', 1)})
    SELECT 1`, values: keyParams(k) });
}

/** node-postgres sends JS arrays as PostgreSQL arrays; a jsonb array must go as JSON text. */
function jsonParam(v: unknown[] | null): string | null {
  return v === null ? null : JSON.stringify(v);
}

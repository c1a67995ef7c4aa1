/**
 * Row-level statements of the write path, each for one object key inside an open transaction.
 * None of them knows the resourceVersion: `runWrite` stamps it at the end.
 */
import type pg from 'pg';
import type { ReportObject } from '@docket/model';
import { canonicalJson } from '../shared/canonical.ts';
import { fromRow, toRow } from './rows.ts';
import type { ObjectRow } from './rows.ts';
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

/** Reads and row-locks the current version; undefined when absent. */
export async function lockObject(c: pg.PoolClient, k: RowKey): Promise<ReportObject | undefined> {
  const r = await c.query<{ head: Record<string, unknown>; results: unknown[] | null; rv: string }>(
    `SELECT head, results, rv FROM docket_objects WHERE ${keyWhere('', 1)} FOR UPDATE`, keyParams(k));
  const row = r.rows[0];
  return row ? fromRow(row.head, row.rv, row.results) : undefined;
}

export async function exists(c: pg.Pool | pg.PoolClient, k: RowKey): Promise<boolean> {
  const r = await c.query(`SELECT 1 FROM docket_objects WHERE ${keyWhere('', 1)}`, keyParams(k));
  return r.rowCount !== 0;
}

/** Inserts a new object; false when the key already exists (never overwrites). */
export async function insertObject(c: pg.PoolClient, k: RowKey, obj: ReportObject): Promise<boolean> {
  const row = toRow(obj);
  const r = await c.query(
    `INSERT INTO docket_objects (cluster_id, grp, resource, namespace, name, uid, rv, scope_kind, scope_name,
       scope_namespace, scope_uid, source, head, results)
     VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (cluster_id, grp, resource, namespace, name) DO NOTHING`,
    [...keyParams(k), row.uid, ...row.fields, row.head, jsonParam(row.results)]);
  if (r.rowCount === 0) return false;
  await writeLabels(c, k, row, false);
  await writeResults(c, k, row, false);
  return true;
}

/** Replaces the stored document (and its labels/results index rows when `full`). */
export async function updateObject(c: pg.PoolClient, k: RowKey, obj: ReportObject, old: ReportObject): Promise<void> {
  const row = toRow(obj);
  const sameResults = obj.results === old.results || canonicalJson(obj.results ?? null) === canonicalJson(old.results ?? null);
  await c.query(
    `UPDATE docket_objects SET uid = $6, scope_kind = $7, scope_name = $8, scope_namespace = $9, scope_uid = $10,
       source = $11, head = $12${sameResults ? '' : ', results = $13'} WHERE ${keyWhere('', 1)}`,
    [...keyParams(k), row.uid, ...row.fields, row.head, ...(sameResults ? [] : [jsonParam(row.results)])]);
  if (JSON.stringify(obj.metadata.labels ?? {}) !== JSON.stringify(old.metadata.labels ?? {})) await writeLabels(c, k, row, true);
  if (!sameResults) await writeResults(c, k, row, true);
}

/** Keeps the current version in history; `runWrite` sets its superseded_rv. */
export async function supersede(c: pg.PoolClient, k: RowKey): Promise<void> {
  await c.query(
    `INSERT INTO docket_history (cluster_id, grp, resource, namespace, name, rv, superseded_rv, uid, scope_kind,
       scope_name, scope_namespace, scope_uid, source, head, results)
     SELECT cluster_id, grp, resource, namespace, name, rv, NULL, uid, scope_kind, scope_name, scope_namespace,
       scope_uid, source, head, results FROM docket_objects WHERE ${keyWhere('', 1)}`, keyParams(k));
}

export async function deleteObject(c: pg.PoolClient, k: RowKey): Promise<void> {
  const p = keyParams(k);
  await c.query(`DELETE FROM docket_objects WHERE ${keyWhere('', 1)}`, p);
  await c.query(`DELETE FROM docket_labels WHERE ${keyWhere('', 1)}`, p);
  await c.query(`DELETE FROM docket_results WHERE ${keyWhere('', 1)}`, p);
}

async function writeLabels(c: pg.PoolClient, k: RowKey, row: ObjectRow, replace: boolean): Promise<void> {
  if (replace) await c.query(`DELETE FROM docket_labels WHERE ${keyWhere('', 1)}`, keyParams(k));
  if (row.labelKeys.length === 0) return;
  await c.query(
    `INSERT INTO docket_labels (cluster_id, grp, resource, namespace, name, key, value)
     SELECT $1, $2, $3, $4, $5, t.k, t.v FROM unnest($6::text[], $7::text[]) AS t(k, v)`,
    [...keyParams(k), row.labelKeys, row.labelValues]);
}

async function writeResults(c: pg.PoolClient, k: RowKey, row: ObjectRow, replace: boolean): Promise<void> {
  if (replace) await c.query(`DELETE FROM docket_results WHERE ${keyWhere('', 1)}`, keyParams(k));
  const r = row.resultCols;
  if (r.idx.length === 0) return;
  await c.query(
    `INSERT INTO docket_results (cluster_id, grp, resource, namespace, name, idx, result_id, policy, rule, result,
       severity, category, source, res_kind, res_namespace, res_name, res_uid, ts)
     SELECT $1, $2, $3, $4, $5, t.* FROM unnest($6::int[], $7::text[], $8::text[], $9::text[], $10::text[],
       $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::bigint[]) AS t`,
    [...keyParams(k), r.idx, r.resultId, r.policy, r.rule, r.result, r.severity, r.category, r.source,
      r.resKind, r.resNamespace, r.resName, r.resUid, r.ts]);
}

/** node-postgres sends JS arrays as PostgreSQL arrays; a jsonb array must go as JSON text. */
function jsonParam(v: unknown[] | null): string | null {
  return v === null ? null : JSON.stringify(v);
}

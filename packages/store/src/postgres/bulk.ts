/**
 * Set-oriented statements for a group-commit batch: each touches every object of the batch at
 * once (arrays + unnest), so a batch costs a fixed handful of round trips however many writes it
 * holds. Keys within a batch are distinct.
 */
import type pg from 'pg';
import type { ReportObject } from '@docket/model';
import type { ObjectKey } from '../types.ts';
import { fromRow, toRow } from './rows.ts';
import type { ObjectRow } from './rows.ts';
import type { FreshKeys, KeyDictionary } from './result-keys.ts';

type Client = pg.PoolClient;

/** `grp, resource, namespace, name` arrays for unnest, in the given order. */
function keyArrays(keys: readonly ObjectKey[]): [string[], string[], string[], string[]] {
  return [keys.map((k) => k.group), keys.map((k) => k.resource), keys.map((k) => k.namespace), keys.map((k) => k.name)];
}

const KEYS_CTE = `k AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(grp, resource, ns, name))`;
const JOIN_K = (a: string) => `${a}.cluster_id = $1 AND ${a}.grp = k.grp AND ${a}.resource = k.resource AND ${a}.namespace = k.ns AND ${a}.name = k.name`;

export function keyString(k: ObjectKey): string {
  return `${k.group}\u0000${k.resource}\u0000${k.namespace}\u0000${k.name}`;
}

/** Reads and row-locks the current versions of `keys` (in key order, so batches never deadlock). */
export async function lockMany(c: Client, clusterId: string, keys: readonly ObjectKey[]): Promise<Map<string, ReportObject>> {
  const out = new Map<string, ReportObject>();
  if (keys.length === 0) return out;
  const r = await c.query<{ grp: string; resource: string; namespace: string; name: string; head: Record<string, unknown>; results: unknown[] | null; rv: string }>({
    name: 'docket-bulk-lock',
    text: `WITH ${KEYS_CTE} SELECT o.grp, o.resource, o.namespace, o.name, o.head, o.results, o.rv
      FROM docket_objects o JOIN k ON ${JOIN_K('o')} ORDER BY o.grp, o.resource, o.namespace, o.name FOR UPDATE OF o`,
    values: [clusterId, ...keyArrays(keys)],
  });
  for (const row of r.rows) {
    out.set(keyString({ group: row.grp, resource: row.resource, namespace: row.namespace, name: row.name }), fromRow(row.head, row.rv, row.results));
  }
  return out;
}

export interface RowWrite {
  key: ObjectKey;
  row: ObjectRow;
}

export function rowWrite(key: ObjectKey, obj: ReportObject): RowWrite {
  return { key, row: toRow(obj) };
}

function objectArrays(ws: readonly RowWrite[]): unknown[] {
  const col = (i: number) => ws.map((w) => w.row.fields[i]);
  return [
    ...keyArrays(ws.map((w) => w.key)), ws.map((w) => w.row.uid), col(0), col(1), col(2), col(3), col(4),
    ws.map((w) => JSON.stringify(w.row.head)), ws.map((w) => (w.row.results === null ? null : JSON.stringify(w.row.results))),
  ];
}

const OBJ_UNNEST = `unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
  $10::text[], $11::text[], $12::text[], $13::text[]) AS t(grp, resource, ns, name, uid, sk, sn, sns, su, src, head, results)`;

/** Inserts new objects; returns the keys actually inserted (the others already exist). */
export async function insertMany(c: Client, clusterId: string, ws: readonly RowWrite[]): Promise<Set<string>> {
  if (ws.length === 0) return new Set();
  const r = await c.query<{ grp: string; resource: string; namespace: string; name: string }>({
    name: 'docket-bulk-insert',
    text: `INSERT INTO docket_objects (cluster_id, grp, resource, namespace, name, uid, rv, scope_kind, scope_name,
        scope_namespace, scope_uid, source, head, results)
      SELECT $1, t.grp, t.resource, t.ns, t.name, t.uid, 0, t.sk, t.sn, t.sns, t.su, t.src, t.head::jsonb, t.results::jsonb
      FROM ${OBJ_UNNEST}
      ON CONFLICT (cluster_id, grp, resource, namespace, name) DO NOTHING RETURNING grp, resource, namespace, name`,
    values: [clusterId, ...objectArrays(ws)],
  });
  return new Set(r.rows.map((x) => keyString({ group: x.grp, resource: x.resource, namespace: x.namespace, name: x.name })));
}

/** Copies the current versions of `keys` to history (runWrite's stamp sets superseded_rv). */
export async function copyToHistory(c: Client, clusterId: string, keys: readonly ObjectKey[]): Promise<void> {
  if (keys.length === 0) return;
  await c.query({
    name: 'docket-bulk-history',
    text: `WITH ${KEYS_CTE} INSERT INTO docket_history (cluster_id, grp, resource, namespace, name, rv, superseded_rv, uid,
        scope_kind, scope_name, scope_namespace, scope_uid, source, head, results)
      SELECT o.cluster_id, o.grp, o.resource, o.namespace, o.name, o.rv, NULL, o.uid, o.scope_kind, o.scope_name,
        o.scope_namespace, o.scope_uid, o.source, o.head, o.results FROM docket_objects o JOIN k ON ${JOIN_K('o')}`,
    values: [clusterId, ...keyArrays(keys)],
  });
}

/** Replaces current documents; `keepResults[i]` leaves the stored results untouched (not re-sent, not rewritten). */
export async function replaceMany(c: Client, clusterId: string, ws: readonly RowWrite[], keepResults: readonly boolean[]): Promise<void> {
  if (ws.length === 0) return;
  const arrays = objectArrays(ws);
  arrays[arrays.length - 1] = ws.map((w, i) => (keepResults[i] || w.row.results === null ? null : JSON.stringify(w.row.results)));
  await c.query({
    name: 'docket-bulk-replace',
    text: `UPDATE docket_objects o SET uid = t.uid, scope_kind = t.sk, scope_name = t.sn, scope_namespace = t.sns,
        scope_uid = t.su, source = t.src, head = t.head::jsonb,
        results = CASE WHEN t.keep THEN o.results ELSE t.results::jsonb END
      FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
        $10::text[], $11::text[], $12::text[], $13::text[], $14::bool[])
        AS t(grp, resource, ns, name, uid, sk, sn, sns, su, src, head, results, keep)
      WHERE o.cluster_id = $1 AND o.grp = t.grp AND o.resource = t.resource AND o.namespace = t.ns AND o.name = t.name`,
    values: [clusterId, ...arrays, keepResults],
  });
}

export async function removeMany(c: Client, clusterId: string, keys: readonly ObjectKey[]): Promise<void> {
  if (keys.length === 0) return;
  await c.query({
    name: 'docket-bulk-remove',
    text: `WITH ${KEYS_CTE} DELETE FROM docket_objects o USING k WHERE ${JOIN_K('o')}`,
    values: [clusterId, ...keyArrays(keys)],
  });
}

/** Replaces the label rows of `clear` keys (removed or relabelled objects) with those of `ws`. */
export async function writeLabels(c: Client, clusterId: string, clear: readonly ObjectKey[], ws: readonly RowWrite[]): Promise<void> {
  if (clear.length > 0) {
    await c.query({
      name: 'docket-bulk-labels-clear',
      text: `WITH ${KEYS_CTE} DELETE FROM docket_labels l USING k WHERE ${JOIN_K('l')}`,
      values: [clusterId, ...keyArrays(clear)],
    });
  }
  const rows = ws.flatMap((w) => w.row.labelKeys.map((key, i) => [w.key, key, w.row.labelValues[i]!] as const));
  if (rows.length === 0) return;
  await c.query({
    name: 'docket-bulk-labels',
    text: `INSERT INTO docket_labels (cluster_id, grp, resource, namespace, name, key, value)
      SELECT $1, t.* FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t`,
    values: [clusterId, ...keyArrays(rows.map((r) => r[0])), rows.map((r) => r[1]), rows.map((r) => r[2])],
  });
}

/** Deletes the result rows of `keys`; must run while their objects still exist (before removeMany). */
export async function clearResults(c: Client, clusterId: string, keys: readonly ObjectKey[]): Promise<void> {
  if (keys.length === 0) return;
  await c.query({
    name: 'docket-bulk-results-clear',
    text: `WITH ${KEYS_CTE} DELETE FROM docket_results r USING docket_objects o, k WHERE ${JOIN_K('o')} AND r.object_id = o.id`,
    values: [clusterId, ...keyArrays(keys)],
  });
}

/**
 * Inserts the result rows of `ws` (objects already written, their old rows cleared), interning
 * their attributes in `keys`; returns the dictionary ids to cache once the transaction commits.
 */
export async function insertResults(c: Client, clusterId: string, ws: readonly RowWrite[], keys: KeyDictionary): Promise<FreshKeys> {
  const all = ws.flatMap((w) => w.row.resultRows);
  if (all.length === 0) return [];
  const { ids, fresh } = await keys.resolve(c, all);
  const owner: number[] = [], idx: number[] = [], keyId: number[] = [], rid: Buffer[] = [], ts: (number | null)[] = [];
  const uid: (string | null)[] = [], kind: (string | null)[] = [], ns: (string | null)[] = [], name: (string | null)[] = [];
  ws.forEach((w, o) => {
    w.row.resultRows.forEach((r, i) => {
      owner.push(o + 1);
      idx.push(i);
      keyId.push(ids.get(r.attrKey)!);
      rid.push(r.resultId);
      ts.push(r.timestamp);
      uid.push(r.subject?.uid ?? null);
      kind.push(r.subject?.kind ?? null);
      ns.push(r.subject?.namespace ?? null);
      name.push(r.subject?.name ?? null);
    });
  });
  // Object ids are looked up once per object (k, by ordinality), not once per result.
  await c.query({
    name: 'docket-bulk-results',
    text: `WITH k AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(grp, resource, ns, name, ord)),
      ids AS (SELECT o.id, k.ord FROM docket_objects o JOIN k ON ${JOIN_K('o')})
      INSERT INTO docket_results (object_id, idx, key_id, result_id, ts, res_uid, res_kind, res_namespace, res_name)
      SELECT ids.id, t.idx, t.key_id, t.rid, t.ts, t.uid, t.kind, t.ns, t.name
      FROM unnest($6::int[], $7::int[], $8::int[], $9::bytea[], $10::bigint[], $11::text[], $12::text[], $13::text[], $14::text[])
        AS t(owner, idx, key_id, rid, ts, uid, kind, ns, name)
      JOIN ids ON ids.ord = t.owner`,
    values: [clusterId, ...keyArrays(ws.map((w) => w.key)), owner, idx, keyId, rid, ts, uid, kind, ns, name],
  });
  return fresh;
}

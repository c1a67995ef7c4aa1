/**
 * Write transactions and the resourceVersion protocol. Each write transaction does its work with
 * `rv` placeholders, then as its LAST statement bumps the single counter row and stamps the
 * versions it wrote. The counter's row lock is held until COMMIT, so transactions commit in rv
 * order on every replica: a watcher that has seen rv N can never later find an N-1 committed
 * (a sequence would allow exactly that).
 */
import type pg from 'pg';
import { CHANGES_CHANNEL } from './schema.ts';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change of one object; the i-th change of a transaction gets rv = base + i + 1. */
export interface Change {
  namespace: string;
  name: string;
  type: ChangeType;
}

export interface TxWork<T> {
  changes: Change[];
  /** Builds the caller's result once the rvs are known (`base` + 1 is the first change's rv). */
  result(base: number): T;
}

const STAMP_SQL = `
WITH c AS (UPDATE docket_rv SET rv = rv + $4::bigint WHERE id = 1 RETURNING rv - $4::bigint AS base),
w AS (SELECT * FROM unnest($5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS t(ns, name, type, ord)),
o AS (UPDATE docket_objects ob SET rv = c.base + w.ord FROM c, w
      WHERE ob.cluster_id = $1 AND ob.grp = $2 AND ob.resource = $3 AND ob.namespace = w.ns AND ob.name = w.name
        AND w.type <> 'DELETED'),
h AS (UPDATE docket_history hi SET superseded_rv = c.base + w.ord FROM c, w
      WHERE hi.cluster_id = $1 AND hi.grp = $2 AND hi.resource = $3 AND hi.namespace = w.ns AND hi.name = w.name
        AND hi.superseded_rv IS NULL),
ch AS (INSERT INTO docket_changes (cluster_id, rv, grp, resource, namespace, name, type)
       SELECT $1, c.base + w.ord, $2, $3, w.ns, w.name, w.type FROM c, w)
SELECT c.base::text AS base, pg_notify('${CHANGES_CHANNEL}', $1) FROM c`;

export interface Scope {
  clusterId: string;
  group: string;
  resource: string;
}

/**
 * Runs `work` in a READ COMMITTED transaction on a pooled connection, then stamps its changes
 * (if any) and commits. Errors roll back and propagate unchanged.
 */
export async function runWrite<T>(pool: pg.Pool, scope: Scope, work: (c: pg.PoolClient) => Promise<TxWork<T>>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    try {
      const w = await work(client);
      let base = 0;
      if (w.changes.length > 0) {
        const r = await client.query<{ base: string }>(STAMP_SQL, [
          scope.clusterId, scope.group, scope.resource, w.changes.length,
          w.changes.map((c) => c.namespace), w.changes.map((c) => c.name), w.changes.map((c) => c.type),
        ]);
        base = Number(r.rows[0]!.base);
      }
      await client.query('COMMIT');
      return w.result(base);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => { broken = true; });
      throw e;
    }
  } finally {
    client.release(broken);
  }
}

/** `cluster_id = $a AND grp = $b …` for one object key, appending its parameters. */
export function keyWhere(alias: string, start: number): string {
  const a = alias ? `${alias}.` : '';
  return `${a}cluster_id = $${start} AND ${a}grp = $${start + 1} AND ${a}resource = $${start + 2} AND ${a}namespace = $${start + 3} AND ${a}name = $${start + 4}`;
}

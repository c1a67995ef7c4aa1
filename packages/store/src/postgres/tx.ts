/**
 * Write transactions and the resourceVersion protocol. Each write transaction does its work with
 * `rv` placeholders, then as its LAST statement bumps the single counter row and stamps the
 * versions it wrote. The counter's row lock is held until COMMIT, so transactions commit in rv
 * order on every replica: a watcher that has seen rv N can never later find an N-1 committed
 * (a sequence would allow exactly that).
 */
import type pg from 'pg';
import { CHANGES_CHANNEL } from './schema.ts';
import { checkout } from './checkout.ts';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change of one object; the i-th change of a transaction gets rv = base + i + 1. */
export interface Change {
  group: string;
  resource: string;
  namespace: string;
  name: string;
  type: ChangeType;
}

export interface TxWork<T> {
  changes: Change[];
  /** Builds the caller's result once the rvs are known (`base` + 1 is the first change's rv). */
  result(base: number): T;
}

/** Keys within one call are distinct (group commit never batches two writes of one object). */
const STAMP_SQL = `
WITH c AS (UPDATE docket_rv SET rv = rv + $2::bigint WHERE id = 1 RETURNING rv - $2::bigint AS base),
w AS (SELECT * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
      WITH ORDINALITY AS t(grp, resource, ns, name, type, ord)),
o AS (UPDATE docket_objects ob SET rv = c.base + w.ord FROM c, w
      WHERE ob.cluster_id = $1 AND ob.grp = w.grp AND ob.resource = w.resource AND ob.namespace = w.ns
        AND ob.name = w.name AND w.type <> 'DELETED'),
h AS (UPDATE docket_history hi SET superseded_rv = c.base + w.ord FROM c, w
      WHERE hi.cluster_id = $1 AND hi.grp = w.grp AND hi.resource = w.resource AND hi.namespace = w.ns
        AND hi.name = w.name AND hi.superseded_rv IS NULL),
ch AS (INSERT INTO docket_changes (cluster_id, rv, grp, resource, namespace, name, type)
       SELECT $1, c.base + w.ord, w.grp, w.resource, w.ns, w.name, w.type FROM c, w)
SELECT c.base::text AS base, pg_notify('${CHANGES_CHANNEL}', $1) FROM c`;

/**
 * Bumps the counter by `changes.length`, stamps the rows written for them and logs them. Must be
 * the last statement before COMMIT: the counter row stays locked until then.
 */
export async function stamp(c: pg.PoolClient, clusterId: string, changes: Change[]): Promise<number> {
  const r = await c.query<{ base: string }>({ name: 'docket-stamp', text: STAMP_SQL, values: [
    clusterId, changes.length, changes.map((x) => x.group), changes.map((x) => x.resource),
    changes.map((x) => x.namespace), changes.map((x) => x.name), changes.map((x) => x.type),
  ] });
  return Number(r.rows[0]!.base);
}

/**
 * Runs `work` in its own READ COMMITTED transaction on a pooled connection, then stamps its
 * changes (if any) and commits. Errors roll back and propagate unchanged.
 */
export async function runWrite<T>(pool: pg.Pool, clusterId: string, work: (c: pg.PoolClient) => Promise<TxWork<T>>): Promise<T> {
  const { client, done } = await checkout(pool);
  let broken = false;
  try {
    await client.query('BEGIN');
    try {
      const w = await work(client);
      const base = w.changes.length > 0 ? await stamp(client, clusterId, w.changes) : 0;
      await client.query('COMMIT');
      return w.result(base);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => { broken = true; });
      throw e;
    }
  } finally {
    done(broken);
  }
}

/** `cluster_id = $a AND grp = $b …` for one object key, appending its parameters. */
export function keyWhere(alias: string, start: number): string {
  const a = alias ? `${alias}.` : '';
  return `${a}cluster_id = $${start} AND ${a}grp = $${start + 1} AND ${a}resource = $${start + 2} AND ${a}namespace = $${start + 3} AND ${a}name = $${start + 4}`;
}

/**
 * The PostgreSQL result-attribute dictionary (docket_result_keys). Known keys come from an
 * in-process cache; unknown ones are inserted with ON CONFLICT DO NOTHING in hash order (so two
 * transactions inserting the same new keys wait on each other instead of deadlocking) and the ones
 * another transaction inserted first are read back by a second statement, which under READ
 * COMMITTED sees that transaction's commit. Ids enter the cache only after the caller's COMMIT.
 */
import type pg from 'pg';
import { attrHash, type ResultAttrs, type ResultRow } from '../shared/rows.ts';

/** The cache is dropped whole past this many keys (a real cluster has a few thousand). */
const CACHE_LIMIT = 100_000;

/** Ids resolved inside a transaction; hand to `remember` once it committed. */
export type FreshKeys = [attrKey: string, id: number][];

export function createKeyDictionary(clusterId: string) {
  const cache = new Map<string, number>();

  /** Ids for every attribute tuple of `rows`, inserting unknown tuples in the caller's transaction. */
  async function resolve(c: pg.PoolClient, rows: readonly ResultRow[]): Promise<{ ids: Map<string, number>; fresh: FreshKeys }> {
    const ids = new Map<string, number>();
    const missing = new Map<string, { hash: Buffer; attrs: ResultAttrs }>();
    for (const r of rows) {
      if (ids.has(r.attrKey) || missing.has(r.attrKey)) continue;
      const hit = cache.get(r.attrKey);
      if (hit !== undefined) ids.set(r.attrKey, hit);
      else missing.set(r.attrKey, { hash: attrHash(clusterId, r.attrKey), attrs: r.attrs });
    }
    const fresh: FreshKeys = [];
    if (missing.size === 0) return { ids, fresh };
    const todo = [...missing.entries()].sort((a, b) => Buffer.compare(a[1].hash, b[1].hash));
    const byHash = new Map(todo.map(([k, v]) => [v.hash.toString('hex'), k]));
    const col = <T>(f: (a: ResultAttrs) => T): T[] => todo.map(([, v]) => f(v.attrs));
    const inserted = await c.query<{ hash: Buffer; id: number }>({
      name: 'docket-keys-insert',
      text: `INSERT INTO docket_result_keys (hash, cluster_id, policy, rule, result, severity, category, source, scored, message)
        SELECT t.hash, $1, t.policy, t.rule, t.result, t.severity, t.category, t.source, t.scored, t.message
        FROM unnest($2::bytea[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::smallint[], $10::text[])
          WITH ORDINALITY AS t(hash, policy, rule, result, severity, category, source, scored, message, ord)
        ORDER BY t.ord
        ON CONFLICT (hash) DO NOTHING RETURNING hash, id`,
      values: [clusterId, todo.map(([, v]) => v.hash), col((a) => a.policy), col((a) => a.rule), col((a) => a.result),
        col((a) => a.severity), col((a) => a.category), col((a) => a.source), col((a) => a.scored), col((a) => a.message)],
    });
    const take = (rows: { hash: Buffer; id: number }[]): void => {
      for (const row of rows) {
        const k = byHash.get(row.hash.toString('hex'));
        if (k === undefined || ids.has(k)) continue;
        ids.set(k, row.id);
        fresh.push([k, row.id]);
      }
    };
    take(inserted.rows);
    if (inserted.rows.length < todo.length) {
      const rest = todo.filter(([k]) => !ids.has(k)).map(([, v]) => v.hash);
      const found = await c.query<{ hash: Buffer; id: number }>({
        name: 'docket-keys-find',
        text: 'SELECT hash, id FROM docket_result_keys WHERE hash = ANY($1::bytea[])',
        values: [rest],
      });
      take(found.rows);
    }
    if (fresh.length < missing.size) throw new Error('result key dictionary: a key could not be resolved');
    return { ids, fresh };
  }

  return {
    resolve,
    /** Caches ids resolved by a transaction that committed. */
    remember(fresh: FreshKeys): void {
      if (fresh.length === 0) return;
      if (cache.size + fresh.length > CACHE_LIMIT) cache.clear();
      for (const [k, id] of fresh) cache.set(k, id);
    },
  };
}

export type KeyDictionary = ReturnType<typeof createKeyDictionary>;

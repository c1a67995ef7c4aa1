/**
 * Reads of the PostgreSQL engine: get, list (keyset pages over a consistent snapshot) and the
 * change log. The newest snapshot is read from docket_objects inside one REPEATABLE READ
 * transaction together with the counter; an older snapshot S (later pages, Exact reads) is the
 * union of objects with rv <= S and history versions that were current at S.
 */
import type pg from 'pg';
import type { ReportObject } from '@docket/model';
import { decodeContinue, encodeContinue } from '../shared/continue-token.ts';
import { continueExpired, notFound, tooOldResourceVersion } from '../shared/errors.ts';
import { parseResourceVersion } from '../shared/options.ts';
import type { CollectionRef, ListOptions, ListResult, ObjectKey } from '../types.ts';
import { fromRow } from './rows.ts';
import { compactedKey } from './schema.ts';
import { Params, whereSql } from './sql-filter.ts';
import { keyWhere } from './tx.ts';
import { checkout } from './checkout.ts';

export interface ReadDeps {
  pool: pg.Pool;
  clusterId: string;
}

/** Rows fetched per statement when a list has no limit. */
const BATCH = 1000;

type Queryable = pg.Pool | pg.PoolClient;

interface DocRow { namespace: string; name: string; rv: string; head: Record<string, unknown>; results?: unknown[] | null }

export async function getObject(deps: ReadDeps, key: ObjectKey): Promise<ReportObject> {
  const r = await deps.pool.query<DocRow>(`SELECT head, results, rv FROM docket_objects WHERE ${keyWhere('', 1)}`,
    [deps.clusterId, key.group, key.resource, key.namespace, key.name]);
  const row = r.rows[0];
  if (!row) throw notFound(key);
  return fromRow(row.head, row.rv, row.results);
}

export async function currentRv(q: Queryable): Promise<number> {
  const r = await q.query<{ rv: string }>('SELECT rv FROM docket_rv WHERE id = 1');
  return Number(r.rows[0]?.rv ?? 0);
}

export async function compactedRv(q: Queryable, clusterId: string): Promise<number> {
  const r = await q.query<{ value: string }>('SELECT value FROM docket_meta WHERE key = $1', [compactedKey(clusterId)]);
  return Number(r.rows[0]?.value ?? 0);
}

/** One page query: rows after `after` in (namespace, name) order, at the newest data or snapshot `at`. */
function pageSql(deps: ReadDeps, ref: CollectionRef, opts: ListOptions, at: number | undefined, after: [string, string] | undefined, limit: number | undefined, count: boolean): { sql: string; values: unknown[] } {
  const p = new Params();
  const cols = opts.projection === 'summary' ? 'namespace, name, rv, head' : 'namespace, name, rv, head, results';
  const keyset = (alias: string) => (after ? [`(${alias}.namespace, ${alias}.name) > (${p.add(after[0])}, ${p.add(after[1])})`] : []);
  let from: string;
  if (at === undefined) {
    from = `SELECT ${cols} FROM docket_objects o WHERE ${[...whereSql(p, deps.clusterId, ref, opts, 'o', 'objects'), ...keyset('o')].join(' AND ')}`;
  } else {
    const s = p.add(at);
    const cur = [...whereSql(p, deps.clusterId, ref, opts, 'o', 'objects'), ...keyset('o'), `o.rv <= ${s}`];
    const old = [...whereSql(p, deps.clusterId, ref, opts, 'h', 'history'), ...keyset('h'), `h.rv <= ${s}`, `h.superseded_rv > ${s}`];
    from = `SELECT ${cols} FROM docket_objects o WHERE ${cur.join(' AND ')}
      UNION ALL SELECT ${cols} FROM docket_history h WHERE ${old.join(' AND ')}`;
  }
  if (count) return { sql: `SELECT count(*)::int AS n FROM (${from}) x`, values: p.values };
  const lim = limit === undefined ? '' : ` LIMIT ${p.add(limit)}`;
  return { sql: `SELECT * FROM (${from}) x ORDER BY namespace, name${lim}`, values: p.values };
}

async function readPage(q: Queryable, deps: ReadDeps, ref: CollectionRef, opts: ListOptions, at: number | undefined, after: [string, string] | undefined, limit: number | undefined): Promise<ListResult & { last?: [string, string] }> {
  const items: ReportObject[] = [];
  let cursor = after;
  let last: [string, string] | undefined;
  let more = false;
  for (;;) {
    const want = limit === undefined ? BATCH : limit - items.length + 1;
    const { sql, values } = pageSql(deps, ref, opts, at, cursor, want, false);
    const r = await q.query<DocRow>(sql, values);
    for (const row of r.rows) {
      if (limit !== undefined && items.length === limit) { more = true; break; }
      items.push(fromRow(row.head, row.rv, opts.projection === 'summary' ? undefined : row.results));
      last = [row.namespace, row.name];
    }
    if (limit !== undefined || r.rows.length < want) break;
    cursor = last;
  }
  const out: ListResult & { last?: [string, string] } = { items, resourceVersion: '' };
  if (more && last) {
    const { sql, values } = pageSql(deps, ref, opts, at, last, undefined, true);
    const r = await q.query<{ n: number }>(sql, values);
    out.last = last;
    out.remainingItemCount = r.rows[0]?.n ?? 0;
  }
  return out;
}

export async function listObjects(deps: ReadDeps, ref: CollectionRef, opts: ListOptions = {}): Promise<ListResult> {
  const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
  const pos = opts.continue ? decodeContinue(opts.continue) : undefined;
  const exact = !pos && opts.resourceVersionMatch === 'Exact' ? parseResourceVersion(opts.resourceVersion) || undefined : undefined;
  if (!pos && exact === undefined) parseResourceVersion(opts.resourceVersion);
  const { client, done } = await checkout(deps.pool);
  try {
    // One snapshot for the compaction check, the counter and every batch of the page: a
    // compaction committing meanwhile cannot remove history rows this snapshot still sees.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    let at = pos?.rv ?? exact;
    if (at !== undefined) {
      const compacted = await compactedRv(client, deps.clusterId);
      if (at < compacted) throw pos ? continueExpired() : tooOldResourceVersion(at, compacted);
    }
    const head = await currentRv(client);
    // A version at or past the head is the head: read current rows, not the history union.
    const snapshot = at === undefined ? head : Math.min(at, head);
    if (at !== undefined && at >= head) at = undefined;
    const after: [string, string] | undefined = pos ? [pos.ns, pos.name] : undefined;
    const page = await readPage(client, deps, ref, opts, at, after, limit);
    await client.query('COMMIT');
    const result: ListResult = { items: page.items, resourceVersion: String(snapshot) };
    if (page.last) {
      result.continue = encodeContinue({ rv: snapshot, ns: page.last[0], name: page.last[1] });
      result.remainingItemCount = page.remainingItemCount;
    }
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    done();
  }
}

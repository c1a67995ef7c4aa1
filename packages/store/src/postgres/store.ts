/**
 * `ReportStore` on PostgreSQL: the multi-replica engine. Any number of store instances (replicas)
 * may share one database; they share the resourceVersion counter and each serves watches for
 * writes made through any of them (see feed.ts).
 */
import pg from 'pg';
import { BadRequestError, UnavailableError, isDocketError } from '@docket/model';
import { resolveStoreOptions } from '../shared/options.ts';
import { createWatchHub } from '../shared/watch-hub.ts';
import type { ReportStore, StoreOptions } from '../types.ts';
import { readChanges, startFeed } from './feed.ts';
import type { Feed } from './feed.ts';
import { createGroupCommitter } from './group-commit.ts';
import { countResults } from './result-query.ts';
import { createKeyDictionary } from './result-keys.ts';
import { compactedRv, currentRv, getObject, listObjects } from './reads.ts';
import { compactedKey, migrate } from './schema.ts';
import { createObject, deleteCollectionVerb, deleteObjectVerb, updateObjectVerb } from './writes.ts';
import { checkout } from './checkout.ts';

export interface PostgresStoreOptions extends StoreOptions {
  /** `postgres://user:pass@host:port/db`. */
  url: string;
  /** Maximum pooled connections (the LISTEN connection is extra). Default 10. */
  poolSize?: number;
  /** Fallback change-log poll for lost notifications. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Called with background errors (listener drops, failed polls); default ignores them. */
  onError?: (e: unknown) => void;
}

/** SQLSTATE classes that mean "the database is not reachable right now". */
function isUnavailable(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string') return false;
  return code.startsWith('08') || code.startsWith('57P') || code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT';
}

async function guard<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (isDocketError(e)) throw e;
    if (isUnavailable(e)) throw new UnavailableError(`database unavailable: ${(e as Error).message}`);
    // jsonb and text cannot hold U+0000 (etcd can): refuse the document instead of failing with a 500.
    const code = (e as { code?: unknown })?.code;
    if (code === '22P05' || code === '22021') throw new BadRequestError(`the object cannot be stored: ${(e as Error).message}`);
    throw e;
  }
}

/** Opens (and migrates) the database at `opts.url`; resolves once watches can be served. */
export async function createPostgresStore(opts: PostgresStoreOptions): Promise<ReportStore> {
  const o = resolveStoreOptions(opts);
  const onError = opts.onError ?? (() => undefined);
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10 });
  pool.on('error', onError);
  try {
    const { client: c, done } = await checkout(pool);
    try { await migrate(c); } finally { done(); }
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
  const clusterId = o.clusterId;
  const deps = { pool, clusterId, now: () => new Date(), commit: createGroupCommitter({ pool, clusterId, keys: createKeyDictionary(clusterId), maxInFlight: Math.max(1, Math.min(2, (opts.poolSize ?? 10) - 1)) }) };

  const hub = createWatchHub({
    readChanges: (ref, after, limit) => readChanges(pool, clusterId, ref, after, limit),
    compactedRv: () => compactedRv(pool, clusterId),
    list: (ref, lo) => listObjects(deps, ref, lo),
  }, { bufferSize: o.watchBufferSize, bookmarkIntervalMs: o.bookmarkIntervalMs });

  let feed: Feed;
  try {
    feed = await startFeed({
      url: opts.url, pool, clusterId, startRv: await currentRv(pool), publish: (evs) => hub.publish(evs),
      pollMs: opts.pollIntervalMs, onError, wanted: () => hub.size() > 0,
    });
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }

  async function compact(): Promise<string> {
    const { client: c, done } = await checkout(pool);
    try {
      await c.query('BEGIN');
      const r = await c.query<{ rv: string | null }>(
        `SELECT max(rv)::text AS rv FROM docket_changes WHERE cluster_id = $1 AND at <= now() - make_interval(secs => $2::float8 / 1000)`,
        [clusterId, o.historyRetentionMs]);
      const before = await compactedRv(c, clusterId);
      const target = Math.max(before, Number(r.rows[0]?.rv ?? 0));
      if (target > before) {
        await c.query('DELETE FROM docket_changes WHERE cluster_id = $1 AND rv <= $2', [clusterId, target]);
        await c.query('DELETE FROM docket_history WHERE cluster_id = $1 AND superseded_rv <= $2', [clusterId, target]);
        await c.query(
          `INSERT INTO docket_meta (key, value) VALUES ($1, $2) ON CONFLICT (key)
           DO UPDATE SET value = GREATEST(docket_meta.value::bigint, EXCLUDED.value::bigint)::text`,
          [compactedKey(clusterId), String(target)]);
      }
      await c.query('COMMIT');
      return String(target);
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      done();
    }
  }

  /**
   * A write resolves only after this instance's watchers were handed its change: a client that
   * writes and then watches (or waits for its own event) sees it without waiting for NOTIFY.
   */
  async function written<T>(p: Promise<T>): Promise<T> {
    const v = await guard(p);
    if (hub.size() > 0) await feed.sync();
    return v;
  }

  const compactEvery = Math.max(1000, Math.min(o.historyRetentionMs, 60_000));
  const compactTimer = setInterval(() => { compact().catch(onError); }, compactEvery);
  compactTimer.unref();
  let closed = false;

  return {
    engine: 'postgres',
    clusterId,
    create: (key, obj, wo) => written(createObject(deps, key, obj, wo)),
    update: (key, obj, uo) => written(updateObjectVerb(deps, key, obj, uo)),
    delete: (key, d) => written(deleteObjectVerb(deps, key, d)),
    deleteCollection: (ref, sel, wo) => written(deleteCollectionVerb(deps, ref, sel, wo)),
    get: (key) => guard(getObject(deps, key)),
    list: (ref, lo) => guard(listObjects(deps, ref, lo)),
    async watch(ref, wo) {
      // Bring the feed up to date first: while nobody watched it only skipped ahead lazily, and a
      // new watcher must not receive that backlog as "live" events (it replays or lists instead).
      await feed.sync();
      return guard(hub.watch(ref, wo));
    },
    currentResourceVersion: async () => String(await guard(currentRv(pool))),
    countResults: (ref, filter) => guard(countResults(pool, clusterId, ref, filter)),
    compact: () => guard(compact()),
    async ping() {
      await guard(pool.query('SELECT 1'));
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(compactTimer);
      hub.close();
      await feed.close();
      await pool.end();
    },
  };
}

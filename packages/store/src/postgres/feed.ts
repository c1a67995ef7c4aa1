/**
 * The cross-replica change feed. Each store instance holds one LISTEN connection; every write
 * transaction NOTIFYs at commit. On a notification, and on a slow fallback poll in case one was
 * lost (connection blip, or a write made by a tool that does not notify), the feed reads the
 * change log after the last rv it has published, in rv order, and hands it to the watch hub.
 * Because commits happen in rv order, reading `rv > last` never skips a change.
 */
import pg from 'pg';
import type { ReportObject } from '@docket/model';
import type { ChangeEvent } from '../shared/watch-hub.ts';
import type { CollectionRef } from '../types.ts';
import { fromRow } from './rows.ts';
import { CHANGES_CHANNEL } from './schema.ts';
import { Params } from './sql-filter.ts';

interface ChangeRow {
  rv: string; type: ChangeEvent['type']; grp: string; resource: string; namespace: string; name: string;
  head: Record<string, unknown> | null; results: unknown[] | null;
  prev_rv: string | null; prev_head: Record<string, unknown> | null; prev_results: unknown[] | null;
}

const same = (a: string, b: string) =>
  `${a}.cluster_id = ${b}.cluster_id AND ${a}.grp = ${b}.grp AND ${a}.resource = ${b}.resource AND ${a}.namespace = ${b}.namespace AND ${a}.name = ${b}.name`;

/**
 * Changes after `after` (optionally of one collection), with the exact object versions: the new
 * version has rv = the change's rv (in objects, or in history if since superseded); the previous
 * one is the history row the change superseded.
 */
export async function readChanges(pool: pg.Pool, clusterId: string, ref: CollectionRef | undefined, after: number, limit: number): Promise<ChangeEvent[]> {
  const p = new Params();
  const where = [`c.cluster_id = ${p.add(clusterId)}`, `c.rv > ${p.add(after)}`];
  if (ref) {
    where.push(`c.grp = ${p.add(ref.group)}`, `c.resource = ${p.add(ref.resource)}`);
    if (ref.namespace !== undefined) where.push(`c.namespace = ${p.add(ref.namespace)}`);
  }
  const r = await pool.query<ChangeRow>(
    `SELECT c.rv, c.type, c.grp, c.resource, c.namespace, c.name,
       coalesce(o.head, hn.head) AS head, coalesce(o.results, hn.results) AS results,
       hp.rv AS prev_rv, hp.head AS prev_head, hp.results AS prev_results
     FROM docket_changes c
     LEFT JOIN docket_objects o ON c.type <> 'DELETED' AND ${same('o', 'c')} AND o.rv = c.rv
     LEFT JOIN docket_history hn ON c.type <> 'DELETED' AND ${same('hn', 'c')} AND hn.rv = c.rv
     LEFT JOIN docket_history hp ON c.type <> 'ADDED' AND ${same('hp', 'c')} AND hp.superseded_rv = c.rv
     WHERE ${where.join(' AND ')} ORDER BY c.rv LIMIT ${p.add(limit)}`, p.values);
  const out: ChangeEvent[] = [];
  for (const row of r.rows) {
    const rv = Number(row.rv);
    const prev: ReportObject | undefined = row.prev_head ? fromRow(row.prev_head, row.prev_rv!, row.prev_results) : undefined;
    const object = row.type === 'DELETED' ? (prev ? fromRow(row.prev_head!, rv, row.prev_results) : undefined)
      : row.head ? fromRow(row.head, rv, row.results) : undefined;
    // A version can only be missing if compaction raced this read; skip rather than invent it.
    if (!object) continue;
    out.push({ rv, type: row.type, group: row.grp, resource: row.resource, namespace: row.namespace, name: row.name, object, prev });
  }
  return out;
}

export interface FeedOptions {
  url: string;
  pool: pg.Pool;
  clusterId: string;
  /** rv already reflected in the hub when the feed starts. */
  startRv: number;
  publish: (events: ChangeEvent[]) => void;
  pollMs?: number;
  onError?: (e: unknown) => void;
  /**
   * Whether anyone listens. Without watchers the feed only advances its position instead of
   * reading documents: a watch that starts later replays from the change log itself.
   */
  wanted?: () => boolean;
}

export interface Feed {
  /** Reads and publishes everything committed so far; resolves when caught up. */
  sync(): Promise<void>;
  /** The last rv published. */
  position(): number;
  close(): Promise<void>;
}

export async function startFeed(opts: FeedOptions): Promise<Feed> {
  let last = opts.startRv;
  let closed = false;
  let running: Promise<void> | undefined;
  let again = false;
  let listener: pg.Client | undefined;

  async function drain(): Promise<void> {
    if (opts.wanted && !opts.wanted()) {
      const r = await opts.pool.query<{ rv: string | null }>({
        name: 'docket-feed-skip', text: 'SELECT max(rv)::text AS rv FROM docket_changes WHERE cluster_id = $1 AND rv > $2',
        values: [opts.clusterId, last] });
      if (r.rows[0]?.rv) last = Math.max(last, Number(r.rows[0].rv));
      return;
    }
    for (;;) {
      const batch = await readChanges(opts.pool, opts.clusterId, undefined, last, 1000);
      if (batch.length === 0 || closed) return;
      last = batch[batch.length - 1]!.rv;
      opts.publish(batch);
    }
  }

  function sync(): Promise<void> {
    if (closed) return Promise.resolve();
    if (running) { again = true; return running; }
    running = (async () => {
      try {
        do { again = false; await drain(); } while (again && !closed);
      } catch (e) {
        opts.onError?.(e);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  async function connectListener(): Promise<void> {
    const c = new pg.Client({ connectionString: opts.url, application_name: 'docket-listen' });
    c.on('error', (e) => {
      opts.onError?.(e);
      if (listener === c) listener = undefined;
      c.end().catch(() => undefined);
      // The poll keeps the feed correct meanwhile; try to listen again shortly.
      if (!closed) setTimeout(() => { if (!closed && !listener) connectListener().catch((err) => opts.onError?.(err)); }, 1000).unref();
    });
    c.on('notification', (n) => { if (n.payload === opts.clusterId) void sync(); });
    await c.connect();
    await c.query(`LISTEN ${CHANGES_CHANNEL}`);
    if (closed) { await c.end(); return; }
    listener = c;
    void sync();
  }

  await connectListener();
  const poll = setInterval(() => void sync(), opts.pollMs ?? 1000);
  poll.unref();

  return {
    sync,
    position: () => last,
    async close() {
      closed = true;
      clearInterval(poll);
      await running;
      const l = listener;
      listener = undefined;
      await l?.end().catch(() => undefined);
    },
  };
}

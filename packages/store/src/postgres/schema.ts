/**
 * PostgreSQL schema and its idempotent migration. Same logical schema as the SQLite engine
 * (objects, labels, results, history, changes, meta; cluster_id on every row), in native types.
 *
 * resourceVersion is a column, never stored inside the documents: it is only known at the very end
 * of a write transaction (see `RV_COUNTER`), and readers put it into `metadata.resourceVersion`.
 */
import type pg from 'pg';

export const SCHEMA_VERSION = 1;

/** Key for `pg_advisory_lock`, so two processes opening the same database migrate one at a time. */
const MIGRATION_LOCK_KEY = 0x646f636b; // 'dock'

/** NOTIFY channel every write transaction signals on; the payload is the cluster id. */
export const CHANGES_CHANNEL = 'docket_changes';

const KEY_COLS = `cluster_id text NOT NULL, grp text NOT NULL, resource text NOT NULL,
  namespace text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL`;

/** Columns a field selector can address; kept on objects and history so snapshots filter in SQL too. */
const FIELD_COLS = `scope_kind text, scope_name text, scope_namespace text, scope_uid text, source text`;

const STATEMENTS: string[] = [
  `CREATE TABLE IF NOT EXISTS docket_meta (key text PRIMARY KEY, value text NOT NULL)`,
  // The one resourceVersion counter of the database, shared by every replica and every cluster.
  `CREATE TABLE IF NOT EXISTS docket_rv (id int PRIMARY KEY CHECK (id = 1), rv bigint NOT NULL)`,
  `INSERT INTO docket_rv (id, rv) VALUES (1, 0) ON CONFLICT (id) DO NOTHING`,
  `CREATE TABLE IF NOT EXISTS docket_objects (
    ${KEY_COLS},
    uid text NOT NULL,
    rv bigint NOT NULL DEFAULT 0,
    ${FIELD_COLS},
    head jsonb NOT NULL,
    results jsonb,
    PRIMARY KEY (cluster_id, grp, resource, namespace, name))`,
  `CREATE TABLE IF NOT EXISTS docket_labels (
    ${KEY_COLS}, key text NOT NULL, value text NOT NULL,
    PRIMARY KEY (cluster_id, grp, resource, namespace, name, key))`,
  `CREATE INDEX IF NOT EXISTS docket_labels_kv ON docket_labels (cluster_id, grp, resource, key, value)`,
  `CREATE TABLE IF NOT EXISTS docket_results (
    ${KEY_COLS}, idx int NOT NULL,
    result_id text NOT NULL, policy text NOT NULL, rule text, result text, severity text, category text,
    source text, res_kind text, res_namespace text, res_name text, res_uid text, ts bigint,
    PRIMARY KEY (cluster_id, grp, resource, namespace, name, idx))`,
  `CREATE INDEX IF NOT EXISTS docket_results_ns ON docket_results (cluster_id, namespace)`,
  `CREATE INDEX IF NOT EXISTS docket_results_policy ON docket_results (cluster_id, policy, rule)`,
  `CREATE INDEX IF NOT EXISTS docket_results_source ON docket_results (cluster_id, source)`,
  `CREATE INDEX IF NOT EXISTS docket_results_severity ON docket_results (cluster_id, severity)`,
  `CREATE INDEX IF NOT EXISTS docket_results_result ON docket_results (cluster_id, result)`,
  `CREATE INDEX IF NOT EXISTS docket_results_resource ON docket_results (cluster_id, res_uid)`,
  `CREATE INDEX IF NOT EXISTS docket_results_id ON docket_results (cluster_id, result_id)`,
  // Superseded versions: version `rv` was current until `superseded_rv` (its update or delete).
  `CREATE TABLE IF NOT EXISTS docket_history (
    ${KEY_COLS},
    rv bigint NOT NULL,
    superseded_rv bigint,
    uid text NOT NULL,
    ${FIELD_COLS},
    head jsonb NOT NULL,
    results jsonb,
    PRIMARY KEY (cluster_id, grp, resource, namespace, name, rv))`,
  `CREATE INDEX IF NOT EXISTS docket_history_superseded ON docket_history (cluster_id, superseded_rv)`,
  // Versions superseded by a transaction still in flight (stamped at its end): always a handful.
  `CREATE INDEX IF NOT EXISTS docket_history_unstamped ON docket_history (cluster_id, grp, resource, namespace, name)
    WHERE superseded_rv IS NULL`,
  // The watch log: one row per change, in commit (= rv) order. The object version is joined from
  // objects/history so documents are not written twice.
  `CREATE TABLE IF NOT EXISTS docket_changes (
    cluster_id text NOT NULL, rv bigint NOT NULL, grp text NOT NULL, resource text NOT NULL,
    namespace text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL, type text NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cluster_id, rv))`,
];

/**
 * Creates or upgrades the schema. Idempotent; holds a session advisory lock for the duration so
 * concurrent opens (two replicas starting together) neither race on DDL nor see a half schema.
 */
export async function migrate(client: pg.PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await client.query('BEGIN');
    for (const sql of STATEMENTS) await client.query(sql);
    const r = await client.query<{ value: string }>(`SELECT value FROM docket_meta WHERE key = 'schema_version'`);
    const current = r.rows[0] ? Number(r.rows[0].value) : 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(`database schema version ${current} is newer than this Docket (${SCHEMA_VERSION})`);
    }
    await client.query(
      `INSERT INTO docket_meta (key, value) VALUES ('schema_version', $1)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [String(SCHEMA_VERSION)],
    );
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}

/** meta key holding a cluster's compacted resourceVersion (changes/history at or below it are gone). */
export function compactedKey(clusterId: string): string {
  return `compacted_rv:${clusterId}`;
}

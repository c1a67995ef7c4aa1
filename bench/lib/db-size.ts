/**
 * How big Docket's database is, measured from outside the server between phases (the server is
 * idle then). SQLite: checkpoint the WAL first (TRUNCATE), then report the file sizes (what the
 * disk holds, free pages included) and the used pages ((page_count - freelist_count) × page_size,
 * what the data needs). PostgreSQL: pg_database_size of the bench's own temporary database.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { fileBytes } from './disk.ts';

export interface DbSize {
  /** SQLite: main file + -wal file after a checkpoint; PostgreSQL: pg_database_size. */
  fileBytes: number;
  /** SQLite: bytes of pages in use (excludes the freelist); PostgreSQL: same as fileBytes. */
  usedBytes: number;
  /** SQLite only: the -wal file after the checkpoint (normally 0). */
  walBytes?: number;
}

export function sqliteSize(path: string): DbSize {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const walBytes = fileBytes(`${path}-wal`);
    return { fileBytes: fileBytes(path) + walBytes, usedBytes: (pages - free) * pageSize, walBytes };
  } finally {
    db.close();
  }
}

export async function postgresSize(url: string): Promise<DbSize> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CHECKPOINT').catch(() => undefined); // needs superuser; size is right without it
    const res = await client.query<{ size: string }>('SELECT pg_database_size(current_database())::text AS size');
    const bytes = Number(res.rows[0]?.size ?? 0);
    return { fileBytes: bytes, usedBytes: bytes };
  } finally {
    await client.end();
  }
}

/**
 * Creates a fresh database next to the one in `adminUrl` for this run and returns its URL and a
 * drop function; the user in the URL needs CREATEDB.
 */
export async function createTempPostgresDb(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `docket_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

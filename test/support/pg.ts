/**
 * Test support: a fresh PostgreSQL database per test file on the server the test runner started
 * (DOCKET_TEST_PG_URL, a superuser URL).
 */
import pg from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** The runner's PostgreSQL URL; throws (never skips) when it is missing. */
export function pgAdminUrl(): string {
  const url = process.env.DOCKET_TEST_PG_URL;
  if (!url) throw new Error('DOCKET_TEST_PG_URL is not set: run the tests with `npm test` (it starts PostgreSQL)');
  return url;
}

/** Creates an empty database with a unique name; `drop` removes it (terminating leftover sessions). */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const admin = pgAdminUrl();
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await withAdmin(admin, (c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: () => withAdmin(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

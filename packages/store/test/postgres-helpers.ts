/**
 * Throw-away databases for PostgreSQL store tests: each test file creates its own database on the
 * server named by DOCKET_TEST_PG_URL (started by scripts/test.mjs) and drops it at the end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  /** Creates another fresh database on the same server (for isolated sub-tests). */
  fresh(): Promise<string>;
  drop(): Promise<void>;
}

export function testServerUrl(): string {
  const url = process.env['DOCKET_TEST_PG_URL'];
  if (!url) throw new Error('DOCKET_TEST_PG_URL is not set: run through `npm test`, which starts a throw-away PostgreSQL');
  return url;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = testServerUrl();
  const names: string[] = [];
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  async function fresh(): Promise<string> {
    const name = `docket_test_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    names.push(name);
    const u = new URL(server);
    u.pathname = `/${name}`;
    return u.toString();
  }
  const url = await fresh();
  return {
    url,
    fresh,
    async drop() {
      for (const n of names) await admin.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
      await admin.end();
    },
  };
}

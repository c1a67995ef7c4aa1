/** The shared ReportStore contract suite against PostgreSQL, one fresh database per store. */
import { after, before } from 'node:test';
import { createPostgresStore, type ReportStore } from '@docket/store';
import { runStoreContract } from './contract.ts';
import { createTestDatabase, type TestDatabase } from './postgres-helpers.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });
const urls = new WeakMap<ReportStore, string>();

runStoreContract('postgres', async (opts = {}) => {
  const { reuse, ...storeOpts } = opts;
  const url = reuse ? urls.get(reuse)! : await db.fresh();
  const store = await createPostgresStore({ ...storeOpts, url, poolSize: 4 });
  urls.set(store, url);
  return store;
});

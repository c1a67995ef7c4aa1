import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createSqliteStore, type ReportStore } from '@docket/store';
import { runStoreContract } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'docket-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const paths = new WeakMap<ReportStore, string>();
let n = 0;

runStoreContract('sqlite', async (opts = {}) => {
  const { reuse, ...storeOpts } = opts;
  const path = reuse ? paths.get(reuse)! : join(dir, `store-${++n}.db`);
  const store = await createSqliteStore({ ...storeOpts, path });
  paths.set(store, path);
  return store;
});

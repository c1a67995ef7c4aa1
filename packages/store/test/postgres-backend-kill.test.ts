/**
 * PostgreSQL terminates the store's backends again and again (failover, pg_terminate_backend)
 * while it writes and lists: the process must not crash on an unhandled client 'error', failed
 * calls reject, and once the kills stop every acknowledged write is there and the store works.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import pg from 'pg';
import { createPostgresStore } from '../src/postgres/index.ts';
import { createTestDatabase } from './postgres-helpers.ts';
import { makeReport } from './contract-fixtures.ts';

it('backends killed under writes and lists: no crash, acknowledged writes kept', async () => {
  const db = await createTestDatabase();
  const store = await createPostgresStore({ url: db.url, pollIntervalMs: 50 });
  const admin = new pg.Client({ connectionString: db.url });
  admin.on('error', () => undefined);
  await admin.connect();
  const ref = { group: 'wgpolicyk8s.io', resource: 'policyreports' };
  const acked: string[] = [];
  let failed = 0;
  let kills = 0;
  try {
    const work = (async () => {
      for (let i = 0; i < 300; i++) {
        const name = `r-${i}`;
        const ops = [
          store.create({ ...ref, namespace: 'ns', name }, makeReport({ namespace: 'ns', name, seed: i + 1 })).then(() => { acked.push(name); }),
          store.list({ ...ref, namespace: 'ns' }, { limit: 20 }),
        ];
        for (const r of await Promise.allSettled(ops)) if (r.status === 'rejected') failed++;
      }
    })();
    let done = false;
    void work.finally(() => { done = true; });
    while (!done) {
      const r = await admin.query('SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      kills += Number(r.rows[0].n);
      await new Promise((res) => setTimeout(res, 15));
    }
    await work;
    assert.ok(kills >= 3, `backends were killed (${kills})`);
    assert.ok(acked.length > 0, 'some writes were acknowledged');
    const { items } = await store.list({ ...ref, namespace: 'ns' });
    const stored = new Set(items.map((o) => o.metadata.name));
    assert.deepEqual(acked.filter((n) => !stored.has(n)), [], 'every acknowledged write is stored');
    await store.create({ ...ref, namespace: 'ns', name: 'after' }, makeReport({ namespace: 'ns', name: 'after' }));
    assert.equal((await store.get({ ...ref, namespace: 'ns', name: 'after' })).metadata.name, 'after');
    process.stderr.write(`kills=${kills} acked=${acked.length} failedCalls=${failed}\n`);
  } finally {
    await admin.end();
    await store.close();
    await db.drop();
  }
});

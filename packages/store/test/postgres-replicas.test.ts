/**
 * PostgreSQL-only behaviour: several store instances (replicas) on one database share one
 * resourceVersion sequence and see each other's writes through their watches, in order, exactly
 * once; the counter survives a reopen; concurrent opens migrate safely.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { ReportObject } from '@docket/model';
import { createPostgresStore } from '../src/postgres/index.ts';
import type { ReportStore, Watch, WatchEvent } from '../src/types.ts';
import { createTestDatabase } from './postgres-helpers.ts';
import type { TestDatabase } from './postgres-helpers.ts';

const ref = { group: 'wgpolicyk8s.io', resource: 'policyreports' };

function report(name: string, n: number): ReportObject {
  return {
    apiVersion: 'wgpolicyk8s.io/v1beta1', kind: 'PolicyReport',
    metadata: { name, labels: { n: String(n) } },
    scope: { kind: 'Pod', name, namespace: 'team-a' },
    results: [{ policy: 'p', rule: `r${n}`, result: n % 2 ? 'fail' : 'pass' }],
  };
}

/** Collects events until `count` non-bookmark events arrived or the deadline passed. */
async function collect(w: Watch, count: number, ms: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const timer = setTimeout(() => w.stop(), ms);
  for await (const e of w.events) {
    if (e.type === 'BOOKMARK') continue;
    out.push(e);
    if (out.length === count) break;
  }
  clearTimeout(timer);
  w.stop();
  return out;
}

describe('postgres store: replicas', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  it('two replicas writing concurrently: every watcher sees every change once, in strictly increasing rv order', async () => {
    const a = await createPostgresStore({ url: db.url, poolSize: 4 });
    const b = await createPostgresStore({ url: db.url, poolSize: 4 });
    try {
      const start = Number(await a.currentResourceVersion());
      const watches = [await a.watch(ref, { resourceVersion: String(start) }), await b.watch({ ...ref, namespace: 'team-a' }, { resourceVersion: String(start) })];
      const perWriter = 30;
      const written: ReportObject[] = [];
      // 4 writers per replica; each creates then updates its own objects, so rows contend on the counter only.
      const writer = async (s: ReportStore, id: string) => {
        for (let i = 0; i < perWriter; i++) {
          const key = { ...ref, namespace: 'team-a', name: `${id}-${i}` };
          const created = await s.create(key, report(key.name, i));
          written.push(created);
          written.push(await s.update(key, { ...created, results: [{ policy: 'p', result: 'skip' }] }, { expectedResourceVersion: created.metadata.resourceVersion }));
        }
      };
      const collecting = watches.map((w) => collect(w, perWriter * 2 * 8, 20_000));
      await Promise.all([0, 1, 2, 3].flatMap((i) => [writer(a, `a${i}`), writer(b, `b${i}`)]));
      const seen = await Promise.all(collecting);

      const expected = [...written].sort((x, y) => Number(x.metadata.resourceVersion) - Number(y.metadata.resourceVersion));
      const rvs = expected.map((o) => Number(o.metadata.resourceVersion));
      // The shared counter has no gaps and no duplicates across replicas.
      assert.deepEqual(rvs, rvs.map((_, i) => start + i + 1));
      for (const events of seen) {
        assert.equal(events.length, expected.length);
        events.forEach((e, i) => {
          assert.equal(e.object.metadata.resourceVersion, String(rvs[i]));
          assert.equal(e.type, expected[i]!.metadata.generation === 1 ? 'ADDED' : 'MODIFIED');
          assert.deepEqual(e.object, expected[i]);
        });
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a watcher keeps receiving changes from another replica when its notifications are lost', async () => {
    const a = await createPostgresStore({ url: db.url });
    const b = await createPostgresStore({ url: db.url, pollIntervalMs: 200 });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const w = await b.watch({ ...ref, namespace: 'lost' }, { resourceVersion: await b.currentResourceVersion() });
      // Kill every LISTEN connection: only the fallback poll (or the reconnect) can deliver now.
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'docket-listen' AND datname = current_database()`);
      const created = await a.create({ ...ref, namespace: 'lost', name: 'x' }, report('x', 1));
      const events = await collect(w, 1, 5000);
      assert.equal(events.length, 1);
      assert.deepEqual(events[0], { type: 'ADDED', object: created });
    } finally {
      await admin.end();
      await a.close();
      await b.close();
    }
  });

  it('the resourceVersion survives a reopen and watches resume across it', async () => {
    const url = await db.fresh();
    const first = await createPostgresStore({ url });
    const created = await first.create({ ...ref, namespace: 'n', name: 'keep' }, report('keep', 1));
    await first.close();
    const second = await createPostgresStore({ url });
    try {
      assert.equal(await second.currentResourceVersion(), created.metadata.resourceVersion);
      const w = await second.watch(ref, { resourceVersion: created.metadata.resourceVersion });
      const next = await second.create({ ...ref, namespace: 'n', name: 'next' }, report('next', 2));
      assert.ok(Number(next.metadata.resourceVersion) > Number(created.metadata.resourceVersion));
      const events = await collect(w, 1, 5000);
      assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'next']]);
      assert.deepEqual(await second.get({ ...ref, namespace: 'n', name: 'keep' }), created);
    } finally {
      await second.close();
    }
  });

  it('concurrent opens of a new database migrate once and all work', async () => {
    const url = await db.fresh();
    const stores = await Promise.all([1, 2, 3, 4].map(() => createPostgresStore({ url, poolSize: 2 })));
    try {
      const made = await stores[0]!.create({ ...ref, namespace: 'n', name: 'one' }, report('one', 1));
      for (const s of stores) assert.deepEqual(await s.get({ ...ref, namespace: 'n', name: 'one' }), made);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const r = await c.query(`SELECT value FROM docket_meta WHERE key = 'schema_version'`);
      await c.end();
      assert.deepEqual(r.rows, [{ value: '1' }]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});

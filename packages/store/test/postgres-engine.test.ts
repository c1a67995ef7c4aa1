/**
 * PostgreSQL engine details beyond the shared contract: the URL registry, readiness, the
 * normalised index rows, hostile selector values, and racing writers under group commit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { resultId } from '@docket/core';
import { AlreadyExistsError, BadRequestError, ConflictError } from '@docket/model';
import type { ReportObject } from '@docket/model';
import { openStore } from '@docket/store';
import type { ReportStore } from '@docket/store';
import { createTestDatabase } from './postgres-helpers.ts';
import type { TestDatabase } from './postgres-helpers.ts';

const ref = { group: 'wgpolicyk8s.io', resource: 'policyreports' };
const key = (name: string) => ({ ...ref, namespace: 'team-a', name });

function report(name: string, results: ReportObject['results'], labels: Record<string, string> = {}): ReportObject {
  return {
    apiVersion: 'wgpolicyk8s.io/v1beta1', kind: 'PolicyReport', metadata: { name, labels },
    scope: { apiVersion: 'v1', kind: 'Pod', name: `pod-${name}`, namespace: 'team-a', uid: `uid-${name}` },
    results,
  };
}

describe('postgres store: engine', () => {
  let db: TestDatabase;
  let store: ReportStore;
  let sql: pg.Client;
  before(async () => {
    db = await createTestDatabase();
    store = await openStore(db.url.replace(/^postgres:/, 'postgresql:'), { clusterId: 'c1' });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  after(async () => {
    await sql.end();
    await store.close();
    await db.drop();
  });

  it('openStore serves postgres:// and postgresql:// URLs; ping answers', async () => {
    assert.equal(store.engine, 'postgres');
    assert.equal(store.clusterId, 'c1');
    await store.ping();
    const other = await openStore(db.url, { clusterId: 'c2' });
    await other.ping();
    await other.close();
    await assert.rejects(other.ping());
  });

  it('keeps the results and labels index rows in step with the document', async () => {
    const results = [
      { policy: 'p1', rule: 'r1', result: 'fail' as const, severity: 'high' as const, source: 'kyverno' },
      { policy: 'p2', rule: 'r2', result: 'pass' as const, resources: [{ kind: 'Deployment', name: 'd', namespace: 'team-a', uid: 'd-uid' }] },
    ];
    const created = await store.create(key('idx'), report('idx', results, { team: 'a', env: 'prod' }));
    const rows = async () => (await sql.query(
      `SELECT r.idx, encode(r.result_id, 'hex') AS result_id, k.policy, k.result, k.severity, k.source, r.res_kind, r.res_uid
       FROM docket_results r JOIN docket_result_keys k ON k.id = r.key_id JOIN docket_objects o ON o.id = r.object_id
       WHERE o.cluster_id = 'c1' AND o.name = 'idx' ORDER BY r.idx`)).rows;
    const labels = async () => (await sql.query(
      `SELECT key, value FROM docket_labels WHERE cluster_id = 'c1' AND name = 'idx' ORDER BY key`)).rows;
    assert.deepEqual(await rows(), [
      // No own resource: the subject is the report's scope (NULL here, scope_uid on the object).
      { idx: 0, result_id: resultId(results[0]!, created.scope), policy: 'p1', result: 'fail', severity: 'high', source: 'kyverno', res_kind: null, res_uid: null },
      { idx: 1, result_id: resultId(results[1]!, created.scope), policy: 'p2', result: 'pass', severity: '', source: '', res_kind: 'Deployment', res_uid: 'd-uid' },
    ]);
    assert.deepEqual(await labels(), [{ key: 'env', value: 'prod' }, { key: 'team', value: 'a' }]);

    await store.update(key('idx'), { ...created, metadata: { ...created.metadata, labels: { team: 'b' } }, results: [{ policy: 'p3', result: 'warn' }] });
    assert.deepEqual((await rows()).map((r) => [r.idx, r.policy, r.result]), [[0, 'p3', 'warn']]);
    assert.deepEqual(await labels(), [{ key: 'team', value: 'b' }]);

    await store.delete(key('idx'));
    assert.deepEqual(await rows(), []);
    assert.deepEqual(await labels(), []);
    const orphans = await sql.query('SELECT count(*)::int AS n FROM docket_results r WHERE NOT EXISTS (SELECT 1 FROM docket_objects o WHERE o.id = r.object_id)');
    assert.equal(orphans.rows[0].n, 0);
  });

  it('selector values are data, never SQL', async () => {
    const hostile = `x' OR '1'='1`;
    await store.create(key('quoted'), report('quoted', [], { [`odd"key`]: hostile }));
    await store.create(key('plain'), report('plain', [], { other: 'v' }));
    const byLabel = await store.list(ref, { labels: [{ key: `odd"key`, op: 'in', values: [hostile] }] });
    assert.deepEqual(byLabel.items.map((i) => i.metadata.name), ['quoted']);
    const byField = await store.list(ref, { fields: [{ field: 'metadata.name', op: '=', value: hostile }] });
    assert.deepEqual(byField.items, []);
  });

  it('a write the database rejects fails alone; the writes batched with it commit', async () => {
    // jsonb cannot hold U+0000, so this create aborts its group-commit transaction.
    const bad = report('nul', [{ policy: 'p', message: 'a\u0000b' }]);
    const writes = await Promise.allSettled([
      ...['g1', 'g2', 'g3'].map((n) => store.create(key(n), report(n, [{ policy: 'p' }]))),
      store.create(key('nul'), bad),
      ...['g4', 'g5'].map((n) => store.create(key(n), report(n, [{ policy: 'p' }]))),
    ]);
    assert.deepEqual(writes.map((w) => w.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    assert.ok((writes[3] as PromiseRejectedResult).reason instanceof BadRequestError);
    const names = (await store.list(ref, { fields: [{ field: 'scope.kind', op: '=', value: 'Pod' }] })).items.map((i) => i.metadata.name);
    for (const n of ['g1', 'g2', 'g3', 'g4', 'g5']) assert.ok(names.includes(n), n);
    assert.ok(!names.includes('nul'));
  });

  it('deleteCollection marks objects with finalizers, removes the rest with their index rows', async () => {
    const coll = { ...ref, namespace: 'dc' };
    const held = await store.create({ ...coll, name: 'held' }, { ...report('held', [{ policy: 'p', result: 'fail' }], { dc: 'y' }), metadata: { name: 'held', labels: { dc: 'y' }, finalizers: ['keep'] } });
    await store.create({ ...coll, name: 'gone' }, report('gone', [{ policy: 'p', result: 'fail' }], { dc: 'y' }));
    await store.create({ ...coll, name: 'other' }, report('other', [], { dc: 'n' }));
    const out = await store.deleteCollection(coll, { labels: [{ key: 'dc', op: 'in', values: ['y'] }] });
    assert.deepEqual(out.map((o) => [o.metadata.name, o.metadata.deletionTimestamp !== undefined]), [['gone', false], ['held', true]]);
    const now = await store.get({ ...coll, name: 'held' });
    assert.deepEqual(now.results, held.results);
    assert.equal(now.metadata.resourceVersion, out[1]!.metadata.resourceVersion);
    // Orphaned result rows (object gone) would show up with a NULL name.
    const rows = await sql.query(`SELECT o.name FROM docket_results r LEFT JOIN docket_objects o ON o.id = r.object_id
      WHERE o.id IS NULL OR (o.cluster_id = 'c1' AND o.namespace = 'dc') ORDER BY o.name`);
    assert.deepEqual(rows.rows, [{ name: 'held' }]);
    assert.deepEqual((await store.list(coll)).items.map((i) => i.metadata.name), ['held', 'other']);
  });

  it('racing writers: one create wins, one update per resourceVersion wins', async () => {
    const creates = await Promise.allSettled(Array.from({ length: 8 }, () => store.create(key('race'), report('race', []))));
    assert.equal(creates.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of creates) if (r.status === 'rejected') assert.ok(r.reason instanceof AlreadyExistsError);
    const base = (creates.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<ReportObject>).value;
    const updates = await Promise.allSettled(Array.from({ length: 8 }, (_, i) =>
      store.update(key('race'), { ...base, results: [{ policy: `p${i}` }] }, { expectedResourceVersion: base.metadata.resourceVersion })));
    const won = updates.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<ReportObject>[];
    assert.equal(won.length, 1);
    for (const r of updates) if (r.status === 'rejected') assert.ok(r.reason instanceof ConflictError);
    assert.deepEqual(await store.get(key('race')), won[0]!.value);
  });
});

/**
 * The PostgreSQL result-attribute dictionary under two replicas: both write reports carrying the
 * same never-seen attributes at the same moment (their transactions insert the same new keys
 * concurrently, one in reverse order); every write succeeds, each tuple is interned exactly once,
 * every result row names an existing key, and both replicas count the same.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { ReportObject, ReportResult } from '@docket/model';
import { createPostgresStore } from '../src/postgres/index.ts';
import type { ReportStore } from '../src/types.ts';
import { createTestDatabase, type TestDatabase } from './postgres-helpers.ts';

const ref = { group: 'wgpolicyk8s.io', resource: 'policyreports' };
const ROUNDS = 6;
const PER_REPLICA = 8;
const KEYS_PER_ROUND = 5;

function results(round: number, reverse: boolean): ReportResult[] {
  const rs = Array.from({ length: KEYS_PER_ROUND }, (_, i) => ({
    policy: `fresh-${round}`, rule: `rule-${i}`, result: 'fail' as const, severity: 'high' as const, message: `round ${round} rule ${i}`,
  }));
  return reverse ? rs.reverse() : rs;
}

function report(name: string, rs: ReportResult[]): ReportObject {
  return {
    apiVersion: 'wgpolicyk8s.io/v1beta1', kind: 'PolicyReport',
    metadata: { name, namespace: 'team-a' }, scope: { kind: 'Pod', name, namespace: 'team-a', uid: `uid-${name}` }, results: rs,
  };
}

describe('postgres store: result key dictionary across replicas', () => {
  let db: TestDatabase;
  let a: ReportStore;
  let b: ReportStore;
  let sql: pg.Client;
  before(async () => {
    db = await createTestDatabase();
    a = await createPostgresStore({ url: db.url, clusterId: 'c1', poolSize: 4 });
    b = await createPostgresStore({ url: db.url, clusterId: 'c1', poolSize: 4 });
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  after(async () => {
    await a.close();
    await b.close();
    await sql.end();
    await db.drop();
  });

  it('two replicas inserting the same new keys at once intern each exactly once', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const writes: Promise<ReportObject>[] = [];
      for (let i = 0; i < PER_REPLICA; i++) {
        writes.push(a.create({ ...ref, namespace: 'team-a', name: `a-${round}-${i}` }, report(`a-${round}-${i}`, results(round, false))));
        writes.push(b.create({ ...ref, namespace: 'team-a', name: `b-${round}-${i}` }, report(`b-${round}-${i}`, results(round, true))));
      }
      const settled = await Promise.allSettled(writes);
      assert.deepEqual(settled.filter((s) => s.status === 'rejected'), [], `round ${round}`);
    }
    const keys = await sql.query<{ n: string; distinct: string }>(
      `SELECT count(*)::text AS n, count(DISTINCT (policy, rule, result, severity, message))::text AS distinct FROM docket_result_keys`);
    assert.deepEqual(keys.rows[0], { n: String(ROUNDS * KEYS_PER_ROUND), distinct: String(ROUNDS * KEYS_PER_ROUND) });
    const dangling = await sql.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM docket_results r WHERE NOT EXISTS (SELECT 1 FROM docket_result_keys k WHERE k.id = r.key_id)');
    assert.equal(dangling.rows[0]!.n, '0');
    for (let round = 0; round < ROUNDS; round++) {
      const want = 2 * PER_REPLICA * KEYS_PER_ROUND;
      assert.equal(await a.countResults(ref, { policy: `fresh-${round}` }), want);
      assert.equal(await b.countResults(ref, { policy: `fresh-${round}`, rule: 'rule-2', result: 'fail' }), 2 * PER_REPLICA);
    }
    // Known keys come from each replica's cache now; a second wave must still resolve correctly.
    await Promise.all([
      a.create({ ...ref, namespace: 'team-a', name: 'a-again' }, report('a-again', results(0, true))),
      b.create({ ...ref, namespace: 'team-a', name: 'b-again' }, report('b-again', results(1, false))),
    ]);
    assert.equal(await b.countResults(ref, { policy: 'fresh-0', subjectUid: 'uid-a-again' }), KEYS_PER_ROUND);
    assert.equal(await a.countResults(ref, { policy: 'fresh-1', subjectUid: 'uid-b-again' }), KEYS_PER_ROUND);
  });
});

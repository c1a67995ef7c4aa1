/**
 * countResults against the normalised result rows: every count is checked against the same count
 * computed from the stored documents, across creates, rescoring updates, shrinking updates,
 * deletes, results naming their own resource, explicit result ids and other collections.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReportObject, ReportResult } from '@docket/model';
import type { CollectionRef, ReportStore, ResultFilter } from '@docket/store';
import { withStore } from './contract-crud.ts';
import { CPOLR, POLR, type ContractStoreFactory, makeReport, makeResults, polrKey, sleep } from './contract-fixtures.ts';

/** The count the documents themselves give (the oracle). */
function expected(items: ReportObject[], f: ResultFilter): number {
  let n = 0;
  for (const o of items) {
    for (const r of o.results ?? []) {
      const own = r.resources?.[0];
      const subjectUid = own ? own.uid ?? '' : o.scope?.uid ?? '';
      const ok = (f.policy === undefined || f.policy === r.policy) && (f.rule === undefined || f.rule === (r.rule ?? ''))
        && (f.result === undefined || f.result === (r.result ?? '')) && (f.severity === undefined || f.severity === (r.severity ?? ''))
        && (f.category === undefined || f.category === (r.category ?? ''))
        && (f.source === undefined || f.source === (r.source ?? o.source ?? '')) && (f.subjectUid === undefined || f.subjectUid === subjectUid);
      if (ok) n++;
    }
  }
  return n;
}

const OWN_UID = 'deadbeef-0000-4000-8000-000000000001';

/** Results naming their own resource (a namespace-wide report), one with an explicit result id. */
function ownSubjectResults(): ReportResult[] {
  return makeResults(3, 4).map((r, i) => ({
    ...r, source: i === 0 ? 'trivy' : r.source,
    resources: [{ apiVersion: 'v1', kind: 'Pod', name: `pod-${i}`, namespace: 'team-2', uid: i < 2 ? OWN_UID : `other-${i}` }],
    properties: i === 3 ? { resultID: 'explicit-id-0123' } : r.properties,
  }));
}

const FILTERS: ResultFilter[] = [
  {}, { result: 'fail' }, { result: 'pass', severity: 'high' }, { policy: 'disallow-host-path' },
  { policy: 'disallow-host-path', rule: 'disallow-host-path-rule' }, { source: 'kyverno', result: 'fail' }, { source: 'trivy' },
  { category: 'Pod Security Standards (Baseline)' }, { subjectUid: OWN_UID }, { subjectUid: '00000000-0000-4000-8000-000000000002' },
  { subjectUid: OWN_UID, result: 'fail' }, { policy: 'no-such-policy' },
];

async function check(s: ReportStore, ref: CollectionRef): Promise<number[]> {
  const { items } = await s.list(ref);
  const got: number[] = [];
  for (const f of FILTERS) {
    const want = expected(items, f);
    assert.equal(await s.countResults(ref, f), want, `${JSON.stringify(ref)} ${JSON.stringify(f)}`);
    got.push(want);
  }
  return got;
}

export function resultsContract(make: ContractStoreFactory): void {
  describe('result queries', () => {
    it('countResults matches the documents across writes, namespaces, own subjects and collections', () => withStore(make, {}, async (s) => {
      for (let i = 0; i < 6; i++) {
        const ns = `team-${i % 3}`;
        await s.create(polrKey(ns, `r${i}`), makeReport({ namespace: ns, name: `r${i}`, seed: i }));
      }
      await s.create(polrKey('team-2', 'ns-wide'), makeReport({ namespace: 'team-2', name: 'ns-wide', seed: 9, results: ownSubjectResults() }));
      // More results than one multi-row insert takes.
      await s.create(polrKey('team-0', 'big'), makeReport({ namespace: 'team-0', name: 'big', seed: 7, results: makeResults(7, 40) }));
      await s.create({ ...CPOLR, namespace: '', name: 'c1' }, makeReport({ namespace: '', name: 'c1', seed: 2, source: 'kyverno' }));
      const all = await check(s, POLR);
      assert.ok(all[0]! === 6 * 17 + 4 + 40 && all[1]! > 0 && all[8] === 2 && all[9] === 17, `oracle counts ${all.join(',')}`);
      await check(s, { ...POLR, namespace: 'team-2' });
      await check(s, CPOLR);

      // Rescore one report, shrink another, delete a third: the rows follow.
      const r1 = await s.get(polrKey('team-1', 'r1'));
      await s.update(polrKey('team-1', 'r1'), { ...r1, results: makeResults(5) });
      const r2 = await s.get(polrKey('team-2', 'r2'));
      await s.update(polrKey('team-2', 'r2'), { ...r2, results: makeResults(2, 3) });
      await s.delete(polrKey('team-0', 'r0'));
      const after = await check(s, POLR);
      assert.equal(after[0], 4 * 17 + 3 + 4 + 40);
      await check(s, { ...POLR, namespace: 'team-1' });
    }));

    it('counts stay right when dictionary keys are pruned by compaction and written again', () => withStore(make, { historyRetentionMs: 1 }, async (s) => {
      const odd = makeResults(1, 3).map((r) => ({ ...r, policy: 'short-lived', message: 'only here' }));
      await s.create(polrKey('team-1', 'a'), makeReport({ namespace: 'team-1', name: 'a', results: odd }));
      await s.delete(polrKey('team-1', 'a'));
      await sleep(5);
      await s.compact();
      await s.create(polrKey('team-1', 'b'), makeReport({ namespace: 'team-1', name: 'b', results: odd }));
      assert.equal(await s.countResults(POLR, { policy: 'short-lived' }), 3);
      await check(s, POLR);
    }));
  });
}

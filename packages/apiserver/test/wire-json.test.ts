/**
 * `wireJson` splices the stored results text of an untouched report instead of parsing and
 * re-serialising it: the bytes must equal `JSON.stringify(toWire(...))` in every served version,
 * and a report whose results were read or changed must never be serialised from the stored text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCE_TYPES, type ReportObject } from '@docket/model';
import { createSqliteStore, untouchedResultsJson } from '@docket/store';
import { toWire, wireJson } from '../src/render.ts';
import { makeReport, makeResults } from '../../store/test/contract-fixtures.ts';

const V1ALPHA1_ONLY = { message: 'kept apart', properties: { cve: 'CVE-1' }, source: 'trivy', timestamp: { seconds: 1, nanos: 5 } };

test('wireJson writes the same bytes as JSON.stringify(toWire()) for every served version, from untouched and touched reports', async () => {
  const store = await createSqliteStore({ path: ':memory:' });
  try {
    for (const type of RESOURCE_TYPES) {
      const [group, hubVersion] = [type.group, type.storageVersion];
      const ns = type.namespaced ? 'team-1' : '';
      const results = makeResults(3).map((r, i) => (i === 0 ? { ...r, ...V1ALPHA1_ONLY } : r));
      const spec = { apiVersion: `${group}/${hubVersion}`, kind: type.kind, namespace: ns, name: 'w', results, source: 'kyverno' };
      const key = { group, resource: type.plural, namespace: ns, name: 'w' };
      await store.create(key, makeReport(spec));
      for (const version of type.versions) {
        const untouched = await store.get(key);
        assert.ok(untouchedResultsJson(untouched) !== undefined, `${type.plural}: the store hands out lazy results`);
        const fast = wireJson(untouched, version);
        // The reference: a plain object parsed from scratch, serialised the ordinary way.
        const plain = JSON.parse(JSON.stringify(await store.get(key))) as ReportObject;
        assert.equal(fast, JSON.stringify(toWire(plain, version)), `${type.plural} ${version}`);
      }
    }
  } finally {
    await store.close();
  }
});

test('a report whose results were read or replaced is serialised from its current results, not the stored text', async () => {
  const store = await createSqliteStore({ path: ':memory:' });
  try {
    const key = { group: 'wgpolicyk8s.io', resource: 'policyreports', namespace: 'team-1', name: 'm' };
    await store.create(key, makeReport({ namespace: 'team-1', name: 'm' }));

    const read = await store.get(key);
    read.results!.push({ ...read.results![0]!, policy: 'added-after-read' });
    assert.equal(untouchedResultsJson(read), undefined);
    assert.match(wireJson(read, 'v1alpha2'), /added-after-read/);

    const replaced = await store.get(key);
    replaced.results = makeResults(9, 2);
    assert.equal(untouchedResultsJson(replaced), undefined);
    const wire = JSON.parse(wireJson(replaced, 'v1beta1')) as ReportObject;
    assert.equal(wire.results?.length, 2);

    const spread = { ...(await store.get(key)) };
    assert.equal(untouchedResultsJson(spread), undefined, 'a copy is a plain object');
    assert.equal(wireJson(spread, 'v1beta1'), JSON.stringify(toWire(spread, 'v1beta1')));
  } finally {
    await store.close();
  }
});

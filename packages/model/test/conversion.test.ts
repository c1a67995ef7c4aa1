import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CONVERSION_ANNOTATION, decodeReport, findResource, toVersion, type ReportObject,
} from '@docket/model';

const polr = findResource('wgpolicyk8s.io', 'v1alpha2', 'policyreports')!;
const decode = (body: unknown, version: string, resource = polr) =>
  decodeReport(body, { resource, version }, { fieldValidation: 'Strict' });

const plain: ReportObject = {
  apiVersion: 'wgpolicyk8s.io/v1beta1', kind: 'PolicyReport', metadata: { name: 'a', namespace: 'n' },
  results: [{ policy: 'p', result: 'fail', severity: 'high', properties: { k: 'v' } }],
};

const rich: ReportObject = {
  apiVersion: 'wgpolicyk8s.io/v1beta1', kind: 'PolicyReport',
  metadata: { name: 'a', namespace: 'n', annotations: { keep: 'me' } },
  source: 'kyverno',
  configuration: { limits: { maxResults: 10, statusFilter: ['fail'] } },
  results: [
    { policy: 'p1', rule: 'r', result: 'fail', severity: 'critical', source: 'kyverno', timestamp: { seconds: 5, nanos: 6 } },
    { policy: 'p2', result: 'pass', severity: 'info' },
    { policy: 'p3', result: 'warn', severity: 'medium', properties: { a: 'b' } },
  ],
};

test('fast path: the hub version returns the same object; v1alpha2 without extra fields is a shallow copy', () => {
  assert.equal(toVersion(plain, 'v1beta1'), plain);
  const a2 = toVersion(plain, 'v1alpha2');
  assert.notEqual(a2, plain);
  assert.equal(a2.apiVersion, 'wgpolicyk8s.io/v1alpha2');
  assert.equal(a2.results, plain.results, 'results are shared, not copied');
  assert.equal(a2.metadata, plain.metadata);
});

test('other groups convert by changing apiVersion only', () => {
  const rep: ReportObject = { ...plain, apiVersion: 'openreports.io/v1alpha1', kind: 'Report', source: 'x' };
  assert.equal(toVersion(rep, 'v1alpha1'), rep, 'openreports v1alpha1 is the hub shape, not wgpolicy v1alpha1');
});

test('v1alpha1 wire shape renames fields and maps severities it cannot express', () => {
  const a1 = toVersion(rich, 'v1alpha1') as { results: Record<string, unknown>[]; metadata: { annotations: Record<string, string> }; source?: unknown };
  assert.deepEqual(a1.results, [
    { policy: 'p1', rule: 'r', status: 'fail', severity: 'high' },
    { policy: 'p2', status: 'pass', severity: 'low' },
    { policy: 'p3', status: 'warn', severity: 'medium', data: { a: 'b' } },
  ]);
  assert.equal(a1.source, undefined);
  assert.equal(a1.metadata.annotations.keep, 'me');
  const stash = JSON.parse(a1.metadata.annotations[CONVERSION_ANNOTATION] ?? '{}');
  assert.equal(stash.source, 'kyverno');
  assert.deepEqual(stash.results.map((r: { i: number }) => r.i), [0, 1]);
  assert.equal(rich.metadata.annotations?.[CONVERSION_ANNOTATION], undefined, 'the hub object is not modified');
});

for (const version of ['v1alpha1', 'v1alpha2', 'v1beta1']) {
  test(`round trip hub → ${version} → hub is lossless`, () => {
    const wire = toVersion(rich, version);
    assert.deepEqual(decode(structuredClone(wire), version).object, rich);
    assert.deepEqual(decode(structuredClone(toVersion(plain, version)), version).object, plain);
  });
}

test('edits made in v1alpha1 win over stashed data', () => {
  const wire = structuredClone(toVersion(rich, 'v1alpha1')) as { results: Record<string, unknown>[] };
  wire.results[0]!.severity = 'medium'; // the reader changed the severity it was shown (high)
  wire.results[1]!.policy = 'other'; // a different result now sits at index 1
  const back = decode(wire, 'v1alpha1').object;
  assert.equal(back.results?.[0]?.severity, 'medium');
  assert.equal(back.results?.[0]?.source, 'kyverno', 'unchanged stashed fields are still restored');
  assert.deepEqual(back.results?.[1], { policy: 'other', result: 'pass', severity: 'low' });
  assert.equal(back.source, 'kyverno');
});

test('removing the annotation drops the fields the lower version cannot hold', () => {
  const wire = structuredClone(toVersion(rich, 'v1alpha2')) as { metadata: { annotations: Record<string, string> } };
  delete wire.metadata.annotations[CONVERSION_ANNOTATION];
  const back = decode(wire, 'v1alpha2').object;
  assert.equal(back.source, undefined);
  assert.equal(back.configuration, undefined);
});

test('an unreadable annotation is ignored with a warning and never stored', () => {
  const body = { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name: 'a', annotations: { [CONVERSION_ANNOTATION]: '{"source": 5}' } } };
  const { object, warnings } = decode(body, 'v1alpha2');
  assert.equal(object.source, undefined);
  assert.equal(object.metadata.annotations, undefined);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /conversion-data/);
});

test('the annotation is stripped from hub-version writes too', () => {
  const body = { ...toVersion(rich, 'v1alpha2'), apiVersion: 'wgpolicyk8s.io/v1beta1', source: 'explicit' };
  const { object } = decode(body, 'v1beta1');
  assert.equal(object.source, 'explicit');
  assert.deepEqual(object.metadata.annotations, { keep: 'me' });
});

test('a large stash does not count towards the annotation size limit', () => {
  const results = Array.from({ length: 4000 }, (_, i) => ({ policy: `p${i}`, rule: 'some-rule-name', source: 'kyverno', timestamp: { seconds: 1_700_000_000 + i, nanos: 123_456_789 } }));
  const hub: ReportObject = { ...plain, results };
  const wire = toVersion(hub, 'v1alpha1') as { metadata: { annotations: Record<string, string> } };
  assert.ok((wire.metadata.annotations[CONVERSION_ANNOTATION] ?? '').length > 256 * 1024);
  assert.deepEqual(decode(wire, 'v1alpha1').object, hub);
});

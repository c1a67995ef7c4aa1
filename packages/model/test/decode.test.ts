import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BadRequestError, InvalidError, decodeReport, findResource, invalidMessage, type FieldValidation,
} from '@docket/model';

const polr = findResource('wgpolicyk8s.io', 'v1alpha2', 'policyreports')!;
const reps = findResource('openreports.io', 'v1alpha1', 'reports')!;

const base = (over: Record<string, unknown> = {}, apiVersion = 'wgpolicyk8s.io/v1alpha2', kind = 'PolicyReport') => ({
  apiVersion, kind, metadata: { name: 'r1', namespace: 'default' }, ...over,
});
const withResult = (r: Record<string, unknown>, apiVersion?: string) =>
  base({ results: [{ policy: 'p', ...r }] }, apiVersion);

function causesOf(body: unknown, version = 'v1alpha2', resource = polr): [string, string, string][] {
  try {
    decodeReport(body, { resource, version }, { fieldValidation: 'Strict' });
  } catch (e) {
    if (e instanceof InvalidError) return e.causes.map((c) => [c.field, c.reason, c.message]);
    throw e;
  }
  return [];
}

interface InvalidCase {
  name: string;
  body: unknown;
  version?: string;
  resource?: typeof polr;
  /** Expected causes in order: field, reason and optionally a message pattern. */
  want: [field: string, reason: string, message?: RegExp][];
}

const INVALID: InvalidCase[] = [
  { name: 'result enum', body: withResult({ result: 'maybe' }),
    want: [['results[0].result', 'FieldValueNotSupported', /^Unsupported value: "maybe": supported values: "pass", "fail", "warn", "error", "skip"$/]] },
  { name: 'severity enum (v1alpha2)', body: withResult({ severity: 'urgent' }),
    want: [['results[0].severity', 'FieldValueNotSupported', /supported values: "critical", "high", "medium", "low", "info"$/]] },
  { name: 'v1alpha1 knows only high/low/medium', version: 'v1alpha1', body: withResult({ severity: 'critical' }, 'wgpolicyk8s.io/v1alpha1'),
    want: [['results[0].severity', 'FieldValueNotSupported', /supported values: "high", "low", "medium"$/]] },
  { name: 'v1alpha1 status enum', version: 'v1alpha1', body: withResult({ status: 'ok' }, 'wgpolicyk8s.io/v1alpha1'),
    want: [['results[0].status', 'FieldValueNotSupported']] },
  { name: 'policy required', body: base({ results: [{ result: 'pass' }, {}] }),
    want: [['results[0].policy', 'FieldValueRequired', /^Required value$/], ['results[1].policy', 'FieldValueRequired']] },
  { name: 'wrong types', body: withResult({ scored: 'yes', message: 3, properties: { a: 1 } }),
    want: [
      ['results[0].scored', 'FieldValueTypeInvalid', /^Invalid value: "string": results\[0\]\.scored in body must be of type boolean: "string"$/],
      ['results[0].message', 'FieldValueTypeInvalid', /must be of type string: "integer"$/],
      ['results[0].properties[a]', 'FieldValueTypeInvalid', /must be of type string/],
    ] },
  { name: 'results must be an array', body: base({ results: { policy: 'p' } }), want: [['results', 'FieldValueTypeInvalid', /must be of type array: "object"$/]] },
  { name: 'timestamp range and integer seconds', body: withResult({ timestamp: { seconds: 1.5, nanos: 1_000_000_000 } }),
    want: [
      ['results[0].timestamp.seconds', 'FieldValueTypeInvalid', /must be of type integer: "number"$/],
      ['results[0].timestamp.nanos', 'FieldValueInvalid', /^Invalid value: 1000000000: .* should be less than or equal to 999999999$/],
    ] },
  { name: 'timestamp fields required', body: withResult({ timestamp: { seconds: 1 } }), want: [['results[0].timestamp.nanos', 'FieldValueRequired']] },
  { name: 'configuration needs limits', version: 'v1beta1', body: base({ configuration: {} }, 'wgpolicyk8s.io/v1beta1'),
    want: [['configuration.limits', 'FieldValueRequired']] },
  { name: 'maxResults >= 0 and statusFilter enum', version: 'v1beta1',
    body: base({ configuration: { limits: { maxResults: -1, statusFilter: ['pass', 'nope'] } } }, 'wgpolicyk8s.io/v1beta1'),
    want: [['configuration.limits.maxResults', 'FieldValueInvalid', /greater than or equal to 0/], ['configuration.limits.statusFilter[1]', 'FieldValueNotSupported']] },
  { name: 'scope and scopeSelector not both', body: base({ scope: { kind: 'Pod', name: 'a' }, scopeSelector: { matchLabels: { a: 'b' } } }),
    want: [['scopeSelector', 'FieldValueForbidden', /^Forbidden: /]] },
  { name: 'resources are object references', body: withResult({ resources: [{ kind: 'Pod', name: 1 }, 'pod-a'] }),
    want: [['results[0].resources[0].name', 'FieldValueTypeInvalid'], ['results[0].resources[1]', 'FieldValueTypeInvalid', /must be of type object: "string"$/]] },
  { name: 'selector operators and values', body: withResult({ resourceSelector: { matchExpressions: [
      { key: 'a', operator: 'Equals', values: ['x'] }, { key: 'b', operator: 'In' }, { key: 'c', operator: 'Exists', values: ['x'] }] } }),
    want: [
      ['results[0].resourceSelector.matchExpressions[0].operator', 'FieldValueNotSupported', /"In", "NotIn", "Exists", "DoesNotExist"$/],
      ['results[0].resourceSelector.matchExpressions[1].values', 'FieldValueRequired'],
      ['results[0].resourceSelector.matchExpressions[2].values', 'FieldValueForbidden'],
    ] },
  { name: 'summary counters are integers', body: base({ summary: { pass: 'x', fail: 1.5 } }),
    want: [['summary.pass', 'FieldValueTypeInvalid'], ['summary.fail', 'FieldValueTypeInvalid']] },
  { name: 'source not allowed as number (hub)', version: 'v1alpha1', resource: reps, body: base({ source: 5 }, 'openreports.io/v1alpha1', 'Report'),
    want: [['source', 'FieldValueTypeInvalid']] },
];

for (const c of INVALID) {
  test(`invalid: ${c.name}`, () => {
    const got = causesOf(c.body, c.version, c.resource);
    assert.deepEqual(got.map(([f, r]) => [f, r]), c.want.map(([f, r]) => [f, r]));
    c.want.forEach(([, , re], i) => { if (re) assert.match(got[i]?.[2] ?? '', re); });
  });
}

test('all problems are reported together, in a kube-style message', () => {
  const body = base({ metadata: { name: 'Bad_Name' }, results: [{ result: 'maybe' }] });
  assert.throws(() => decodeReport(body, { resource: polr, version: 'v1alpha2' }, { fieldValidation: 'Strict' }), (e: unknown) => {
    assert.ok(e instanceof InvalidError);
    assert.equal(e.status, 422);
    assert.deepEqual(e.subject, { group: 'wgpolicyk8s.io', kind: 'PolicyReport', name: 'Bad_Name' });
    assert.deepEqual(e.causes.map((c) => c.field), ['metadata.name', 'results[0].policy', 'results[0].result']);
    assert.match(e.message, /^PolicyReport\.wgpolicyk8s\.io "Bad_Name" is invalid: \[metadata\.name: Invalid value: "Bad_Name": .*, results\[0\]\.policy: Required value, results\[0\]\.result: Unsupported value: "maybe": supported values: "pass", .*\]$/);
    return true;
  });
});

test('invalidMessage uses brackets only for several causes, like a kube aggregate', () => {
  const one = [{ field: 'results[0].result', reason: 'FieldValueNotSupported', message: 'Unsupported value: "x"' }];
  assert.equal(invalidMessage(polr, 'n', one), 'PolicyReport.wgpolicyk8s.io "n" is invalid: results[0].result: Unsupported value: "x"');
  assert.equal(invalidMessage(reps, 'n', [...one, ...one]),
    'Report.openreports.io "n" is invalid: [results[0].result: Unsupported value: "x", results[0].result: Unsupported value: "x"]');
});

const BAD_REQUESTS: { name: string; body: unknown; version?: string; re: RegExp }[] = [
  { name: 'array body', body: [], re: /JSON object/ },
  { name: 'string body', body: 'x', re: /JSON object/ },
  { name: 'null body', body: null, re: /JSON object/ },
  { name: 'version mismatch', body: base({}, 'wgpolicyk8s.io/v1beta1'), re: /"wgpolicyk8s\.io\/v1beta1".*"wgpolicyk8s\.io\/v1alpha2"/ },
  { name: 'kind mismatch', body: base({}, 'wgpolicyk8s.io/v1alpha2', 'ClusterPolicyReport'), re: /"ClusterPolicyReport".*"PolicyReport"/ },
  { name: 'missing apiVersion', body: { kind: 'PolicyReport', metadata: { name: 'a' } }, re: /apiVersion "".*"wgpolicyk8s\.io\/v1alpha2"/ },
];
for (const c of BAD_REQUESTS) {
  test(`bad request: ${c.name}`, () => {
    assert.throws(() => decodeReport(c.body, { resource: polr, version: c.version ?? 'v1alpha2' }, { fieldValidation: 'Ignore' }),
      (e: unknown) => e instanceof BadRequestError && e.status === 400 && c.re.test(e.message));
  });
}

const UNKNOWN = base({ spec: { foo: 1 }, metadata: { name: 'r1', extra: true }, results: [{ policy: 'p', bogus: 'x', timestamp: { seconds: 1, nanos: 0, tz: 'UTC' } }] });
const UNKNOWN_PATHS = ['metadata.extra', 'results[0].timestamp.tz', 'results[0].bogus', 'spec'];

test('Strict: unknown fields are a BadRequest naming every field', () => {
  assert.throws(() => decodeReport(UNKNOWN, { resource: polr, version: 'v1alpha2' }, { fieldValidation: 'Strict' }), (e: unknown) => {
    assert.ok(e instanceof BadRequestError);
    assert.match(e.message, /^strict decoding error: unknown field "/);
    for (const p of UNKNOWN_PATHS) assert.ok(e.message.includes(`unknown field "${p}"`), `${p} in ${e.message}`);
    return true;
  });
});

for (const mode of ['Warn', 'Ignore'] as FieldValidation[]) {
  test(`${mode}: unknown fields are pruned${mode === 'Warn' ? ' with one warning each' : ' silently'}`, () => {
    const before = JSON.stringify(UNKNOWN);
    const { object, warnings } = decodeReport(UNKNOWN, { resource: polr, version: 'v1alpha2' }, { fieldValidation: mode });
    assert.equal(JSON.stringify(UNKNOWN), before, 'the caller\'s body is not modified');
    assert.deepEqual(object, { apiVersion: 'wgpolicyk8s.io/v1beta1', kind: 'PolicyReport', metadata: { name: 'r1' }, results: [{ policy: 'p', timestamp: { seconds: 1, nanos: 0 } }] });
    assert.deepEqual([...warnings].sort(), mode === 'Warn' ? UNKNOWN_PATHS.map((p) => `unknown field "${p}"`).sort() : []);
  });
}

test('Warn: unknown fields and real errors together give InvalidError for the real ones only', () => {
  const body = base({ spec: 1, results: [{ policy: 'p', result: 'nope', other: 1 }] });
  assert.throws(() => decodeReport(body, { resource: polr, version: 'v1alpha2' }, { fieldValidation: 'Warn' }),
    (e: unknown) => e instanceof InvalidError && e.causes.length === 1 && e.causes[0]?.field === 'results[0].result');
});

test('v1alpha2 has no top-level source/configuration: unknown there, fine in v1beta1 and openreports', () => {
  const body = base({ source: 'kyverno' });
  assert.throws(() => decodeReport(body, { resource: polr, version: 'v1alpha2' }, { fieldValidation: 'Strict' }), /unknown field "source"/);
  const ok = decodeReport({ ...body, apiVersion: 'wgpolicyk8s.io/v1beta1' }, { resource: polr, version: 'v1beta1' }, { fieldValidation: 'Strict' });
  assert.equal(ok.object.source, 'kyverno');
});

test('null values are treated as absent; a null required field is still required', () => {
  const body = base({ metadata: { name: 'r1', creationTimestamp: null, labels: null }, scope: null, results: [{ policy: 'p', rule: null }] });
  const { object, warnings } = decodeReport(body, { resource: polr, version: 'v1alpha2' }, { fieldValidation: 'Strict' });
  assert.deepEqual(object, { apiVersion: 'wgpolicyk8s.io/v1beta1', kind: 'PolicyReport', metadata: { name: 'r1' }, results: [{ policy: 'p' }] });
  assert.deepEqual(warnings, []);
  assert.deepEqual(causesOf(withResult({ policy: null })).map((c) => c.slice(0, 2)), [['results[0].policy', 'FieldValueRequired']]);
});

test('v1alpha1 bodies become hub objects (status→result, data→properties)', () => {
  const body = withResult({ status: 'fail', data: { k: 'v' }, severity: 'high' }, 'wgpolicyk8s.io/v1alpha1');
  const { object } = decodeReport(body, { resource: polr, version: 'v1alpha1' }, { fieldValidation: 'Strict' });
  assert.deepEqual(object.results, [{ policy: 'p', result: 'fail', properties: { k: 'v' }, severity: 'high' }]);
  assert.equal(object.apiVersion, 'wgpolicyk8s.io/v1beta1');
});

test('selfLink is dropped; server fields are kept for the API server to decide', () => {
  const body = base({ metadata: { name: 'r1', selfLink: '/x', uid: 'u', resourceVersion: '5', generation: 2, creationTimestamp: '2024-01-02T03:04:05Z' } });
  const { object } = decodeReport(body, { resource: polr, version: 'v1alpha2' }, { fieldValidation: 'Strict' });
  assert.deepEqual(object.metadata, { name: 'r1', uid: 'u', resourceVersion: '5', generation: 2, creationTimestamp: '2024-01-02T03:04:05Z' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError, ConflictError, InvalidError, TooLargeError } from '@docket/model';
import {
  applyJsonPatch, applyMergePatch, fieldManagerOf, fieldSetOf, fromFieldsV1, recordUpdate, serverSideApply, toFieldsV1, type ApplyInput,
} from '../src/patch/index.ts';

type J = Record<string, any>;
const NOW = new Date('2026-03-04T05:06:07.890Z');
const GV = 'wgpolicyk8s.io/v1alpha2';
const ssa = (i: ApplyInput): { changed: boolean; object: J } => serverSideApply(i);

test('merge patch follows RFC 7386', () => {
  const cases: Array<[unknown, unknown, unknown]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, want] of cases) assert.deepEqual(applyMergePatch(target, patch), want, JSON.stringify(patch));
  const target = { a: { b: 1 } };
  applyMergePatch(target, { a: { b: 2 } });
  assert.deepEqual(target, { a: { b: 1 } }, 'input untouched');
  assert.throws(() => applyMergePatch({}, ['x']), BadRequestError);
});

test('JSON patch: operations, test op, 422 on failure, 413 over 10,000 operations', () => {
  const doc = { metadata: { labels: { a: 'b' } }, results: [{ policy: 'p', result: 'pass' }] };
  assert.deepEqual(applyJsonPatch(doc, [
    { op: 'test', path: '/results/0/result', value: 'pass' },
    { op: 'replace', path: '/results/0/result', value: 'fail' },
    { op: 'add', path: '/metadata/labels/c', value: 'd' },
    { op: 'remove', path: '/metadata/labels/a' },
    { op: 'copy', from: '/results/0', path: '/results/-' },
    { op: 'move', from: '/metadata/labels/c', path: '/metadata/labels/e' },
  ]), { metadata: { labels: { e: 'd' } }, results: [{ policy: 'p', result: 'fail' }, { policy: 'p', result: 'fail' }] });
  assert.equal(doc.results[0]!.result, 'pass', 'input untouched');
  const isInvalid = (e: unknown) => e instanceof InvalidError && e.status === 422;
  assert.throws(() => applyJsonPatch(doc, [{ op: 'test', path: '/results/0/result', value: 'fail' }]), isInvalid);
  assert.throws(() => applyJsonPatch(doc, [{ op: 'remove', path: '/nope' }]), isInvalid);
  assert.throws(() => applyJsonPatch(doc, [{ op: 'add', path: '/results/9', value: 1 }]), isInvalid);
  assert.throws(() => applyJsonPatch(doc, { op: 'add' }), BadRequestError);
  assert.throws(() => applyJsonPatch(doc, [{ op: 'frob', path: '/a' }]), BadRequestError);
  assert.throws(() => applyJsonPatch(doc, [{ op: 'add', path: '/a' }]), /no "value"/);
  const many = Array.from({ length: 10_001 }, () => ({ op: 'test', path: '/metadata', value: {} }));
  assert.throws(() => applyJsonPatch(doc, many), (e: unknown) => e instanceof TooLargeError && e.status === 413 && /10000, got 10001/.test(e.message));
  assert.doesNotThrow(() => applyJsonPatch({ metadata: {} }, many.slice(0, 10_000)));
});

test('field manager defaults to the User-Agent prefix like kube', () => {
  assert.equal(fieldManagerOf(undefined, 'kubectl/v1.31.9 (linux/amd64) kubernetes/8f38003'), 'kubectl');
  assert.equal(fieldManagerOf('kubectl-edit', 'kubectl/v1.31.9'), 'kubectl-edit');
  assert.equal(fieldManagerOf(undefined, 'kyverno\u0007-reports/1'), 'kyverno-reports');
  assert.equal(fieldManagerOf(undefined, 'x'.repeat(200)).length, 128);
  assert.equal(fieldManagerOf(undefined, undefined), '');
});

test('FieldsV1 round trip: f:, k:, v: and "." markers', () => {
  const obj = {
    apiVersion: GV, kind: 'PolicyReport',
    metadata: { name: 'r', labels: { app: 'x' }, finalizers: ['a/b'], ownerReferences: [{ uid: 'u1', kind: 'Pod', name: 'p', apiVersion: 'v1' }] },
    scope: { kind: 'Pod' }, results: [{ policy: 'p' }], configuration: {},
  };
  const trie = toFieldsV1(fieldSetOf(obj));
  assert.deepEqual(trie, {
    'f:metadata': {
      'f:labels': { 'f:app': {} },
      'f:finalizers': { 'v:"a/b"': {} },
      'f:ownerReferences': { 'k:{"uid":"u1"}': { '.': {}, 'f:uid': {}, 'f:kind': {}, 'f:name': {}, 'f:apiVersion': {} } },
    },
    'f:scope': { 'f:kind': {} }, 'f:results': {}, 'f:configuration': {},
  });
  assert.deepEqual([...fromFieldsV1(trie)].map((p) => p.join(' ')).sort(), [...fieldSetOf(obj)].map((p) => p.join(' ')).sort());
});

const csaBody = (result: string): J => ({
  apiVersion: GV, kind: 'PolicyReport',
  metadata: { name: 'r1', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `{"results":[{"policy":"p1","result":"${result}"}]}\n` } },
  scope: { kind: 'Pod', name: 'web' }, results: [{ policy: 'p1', result }],
});
const stored = (o: J, rv = '5'): J => ({ ...o, metadata: { ...o.metadata, uid: 'u-1', resourceVersion: rv, creationTimestamp: '2026-01-01T00:00:00Z' } });

test('Update operations: kubectl client-side apply create, then its merge patch', () => {
  // POST ?fieldManager=kubectl-client-side-apply (kubectl apply of a new object)
  const created = csaBody('pass');
  const mf1 = recordUpdate({ before: undefined, after: created, manager: 'kubectl-client-side-apply', apiVersion: GV, now: NOW });
  assert.equal(mf1.length, 1);
  assert.deepEqual({ ...mf1[0], fieldsV1: undefined }, { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: GV, time: '2026-03-04T05:06:07Z', fieldsType: 'FieldsV1', fieldsV1: undefined });
  assert.deepEqual(mf1[0]!.fieldsV1, {
    'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/last-applied-configuration': {} } },
    'f:scope': { 'f:kind': {}, 'f:name': {} }, 'f:results': {},
  });
  // Then another writer changes a label and the scope name with a merge patch.
  const live = stored({ ...created, metadata: { ...created.metadata, managedFields: mf1 } });
  const patched = applyMergePatch<J>(live, { metadata: { labels: { team: 'a' } }, scope: { name: 'api' } });
  const mf2 = recordUpdate({ before: live, after: patched, manager: 'kubectl-patch', apiVersion: GV, now: NOW });
  const byName = Object.fromEntries(mf2.map((e) => [e.manager, e.fieldsV1]));
  assert.deepEqual(byName['kubectl-patch'], { 'f:metadata': { 'f:labels': { 'f:team': {} } }, 'f:scope': { 'f:name': {} } });
  assert.deepEqual((byName['kubectl-client-side-apply'] as J)['f:scope'], { 'f:kind': {} }, 'the changed field moved to the patcher');
  // A write that changes nothing leaves managedFields as they were.
  assert.deepEqual(recordUpdate({ before: live, after: structuredClone(live), manager: 'x', apiVersion: GV, now: NOW }), mf1);
  // kubectl's CSA→SSA upgrade replaces managedFields with a JSON patch: the client's list wins; [{}] clears.
  const upgraded = [{ manager: 'kubectl', operation: 'Apply' as const, apiVersion: GV, fieldsType: 'FieldsV1' as const, fieldsV1: { 'f:results': {} } }];
  assert.deepEqual(recordUpdate({ before: live, after: { ...live, metadata: { ...live.metadata, managedFields: upgraded } }, manager: 'kubectl', apiVersion: GV, now: NOW }), upgraded);
  assert.deepEqual(recordUpdate({ before: live, after: { ...live, metadata: { ...live.metadata, managedFields: [{}] } }, manager: 'kubectl', apiVersion: GV, now: NOW }), []);
});

const ssaBody = (result: string, extra: J = {}): J => ({
  apiVersion: GV, kind: 'PolicyReport', metadata: { name: 'r1', namespace: 'default', ...extra }, scope: { kind: 'Pod', name: 'web' }, results: [{ policy: 'p1', result }],
});

test('server-side apply creates, then is a no-op when repeated, then updates its own fields', () => {
  const first = ssa({ live: undefined, applied: ssaBody('pass'), manager: 'kubectl', force: false, apiVersion: GV, now: NOW });
  assert.equal(first.changed, true);
  const mf = first.object.metadata.managedFields as J[];
  assert.deepEqual(mf.map((e) => [e.manager, e.operation, e.apiVersion, e.time]), [['kubectl', 'Apply', GV, '2026-03-04T05:06:07Z']]);
  assert.deepEqual(mf[0]!.fieldsV1, { 'f:scope': { 'f:kind': {}, 'f:name': {} }, 'f:results': {} });
  const live = stored(first.object);
  const again = ssa({ live, applied: ssaBody('pass'), manager: 'kubectl', force: false, apiVersion: GV, now: new Date('2027-01-01T00:00:00Z') });
  assert.equal(again.changed, false);
  assert.deepEqual(again.object, live);
  const upd = ssa({ live, applied: ssaBody('fail'), manager: 'kubectl', force: false, apiVersion: GV, now: NOW });
  assert.deepEqual(upd.object.results, [{ policy: 'p1', result: 'fail' }]);
  assert.equal(upd.object.metadata.uid, 'u-1');
  assert.equal(upd.object.metadata.resourceVersion, '5');
});

test('server-side apply conflicts with another manager, names each field, and force takes ownership', () => {
  const live = stored({ ...csaBody('pass'), metadata: { ...csaBody('pass').metadata,
    managedFields: recordUpdate({ before: undefined, after: csaBody('pass'), manager: 'kubectl-client-side-apply', apiVersion: GV, now: NOW }) } });
  const input = { live, applied: ssaBody('fail', {}), manager: 'kubectl', force: false, apiVersion: GV, now: NOW };
  assert.throws(() => ssa(input), (e: unknown) => {
    assert.ok(e instanceof ConflictError);
    assert.equal(e.status, 409);
    assert.deepEqual(e.causes, [{ reason: 'FieldManagerConflict', message: `conflict with "kubectl-client-side-apply" using ${GV}`, field: '.results' }]);
    assert.match(e.message, /^Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using wgpolicyk8s.io\/v1alpha2: .results$/);
    return true;
  });
  // Same values are shared, not conflicting: scope.kind/name are co-owned without error.
  const shared = ssa({ ...input, applied: ssaBody('pass') });
  assert.deepEqual((shared.object.metadata.managedFields as J[]).map((e) => e.manager), ['kubectl-client-side-apply', 'kubectl']);
  const forced = ssa({ ...input, force: true });
  assert.deepEqual(forced.object.results, [{ policy: 'p1', result: 'fail' }]);
  const csa = (forced.object.metadata.managedFields as J[]).find((e) => e.manager === 'kubectl-client-side-apply')!;
  assert.equal(csa.fieldsV1['f:results'], undefined, 'force moved .results away from the old owner');
  assert.ok(csa.fieldsV1['f:metadata'], 'the old owner keeps the annotation');
});

test('server-side apply removes fields the applier dropped, unless another manager owns them', () => {
  const a1 = ssa({ live: undefined, applied: ssaBody('pass', { labels: { a: '1', b: '2' } }), manager: 'm1', force: false, apiVersion: GV, now: NOW }).object;
  const a2 = ssa({ live: stored(a1), applied: { apiVersion: GV, kind: 'PolicyReport', metadata: { name: 'r1', labels: { b: '2' } } }, manager: 'm2', force: false, apiVersion: GV, now: NOW }).object;
  const a3 = ssa({ live: stored(a2), applied: { apiVersion: GV, kind: 'PolicyReport', metadata: { name: 'r1' }, results: [{ policy: 'p1', result: 'pass' }] }, manager: 'm1', force: false, apiVersion: GV, now: NOW }).object;
  assert.deepEqual(a3.metadata.labels, { b: '2' }, 'a dropped (only m1 owned it); b kept (m2 co-owns it)');
  assert.equal(a3.scope, undefined, 'scope dropped by its only owner, and the emptied object removed');
  assert.deepEqual(a3.results, [{ policy: 'p1', result: 'pass' }]);
});

test('server-side apply on an object without managedFields attributes it to before-first-apply', () => {
  const live = stored(ssaBody('pass'));
  assert.throws(() => ssa({ live, applied: ssaBody('fail'), manager: 'kubectl', force: false, apiVersion: GV, now: NOW }),
    (e: unknown) => e instanceof ConflictError && e.causes[0]!.message === `conflict with "before-first-apply" using ${GV}`);
});

test('kubectl request shapes: finalizers merge as a set, ownerReferences by uid; bad configurations are 400', () => {
  const live = stored(ssa({ live: undefined, applied: ssaBody('pass', { finalizers: ['x/a'] }), manager: 'gc', force: false, apiVersion: GV, now: NOW }).object);
  const r = ssa({ live, applied: { apiVersion: GV, kind: 'PolicyReport', metadata: { name: 'r1', finalizers: ['x/b'], ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u9' }] } },
    manager: 'ctl', force: false, apiVersion: GV, now: NOW }).object;
  assert.deepEqual(r.metadata.finalizers, ['x/a', 'x/b']);
  const ctl = (r.metadata.managedFields as J[]).find((e) => e.manager === 'ctl')!;
  assert.deepEqual(Object.keys(ctl.fieldsV1['f:metadata']['f:ownerReferences']), ['k:{"uid":"u9"}']);
  assert.deepEqual(Object.keys(ctl.fieldsV1['f:metadata']['f:finalizers']), ['v:"x/b"']);
  // kubectl-last-applied (kubectl ≥1.29 after --server-side) only sets the annotation.
  const la = ssa({ live: stored(r), applied: { apiVersion: GV, kind: 'PolicyReport', metadata: { name: 'r1', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } },
    manager: 'kubectl-last-applied', force: false, apiVersion: GV, now: NOW }).object;
  assert.equal(la.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], '{}');
  assert.deepEqual(la.results, r.results);
  assert.throws(() => ssa({ live, applied: ['x'], manager: 'm', force: false, apiVersion: GV, now: NOW }), BadRequestError);
  assert.throws(() => ssa({ live, applied: { ...ssaBody('pass'), kind: undefined }, manager: 'm', force: false, apiVersion: GV, now: NOW }), /no 'kind'/);
  assert.throws(() => ssa({ live, applied: { ...ssaBody('pass'), apiVersion: '' }, manager: 'm', force: false, apiVersion: GV, now: NOW }), /no 'apiVersion'/);
  assert.throws(() => ssa({ live, applied: { ...ssaBody('pass', { managedFields: [] }) }, manager: 'm', force: false, apiVersion: GV, now: NOW }), /managedFields must be nil/);
  assert.throws(() => ssa({ live, applied: { ...ssaBody('pass'), kind: 'ClusterPolicyReport' }, manager: 'm', force: false, apiVersion: GV, now: NOW }), BadRequestError);
});

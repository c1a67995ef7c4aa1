/**
 * The one-walk managedFields computation (presentAndChanged) must agree with the definition it
 * replaces: every leaf of the new object whose value, looked up from the root with valueAt,
 * differs from the old object's — including the repeated-list-item cases where the walk falls back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changedFields, presentAndChanged } from '../src/patch/managed-fields.ts';
import { fieldSetOf, jsonEqual, valueAt, FieldSet } from '../src/patch/field-set.ts';

type J = Record<string, any>;

/** The specification: the slow definition, path by path from the root. */
function reference(before: unknown, after: unknown): string[][] {
  return [...fieldSetOf(after)].filter((p) => before === undefined || !jsonEqual(valueAt(before, p), valueAt(after, p))).map((p) => [...p]);
}

const paths = (s: FieldSet): string[][] => [...s].map((p) => [...p]);

const base = (): J => ({
  apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport',
  metadata: {
    name: 'r', namespace: 'ns', labels: { a: '1' }, finalizers: ['x', 'y'],
    ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u1' }],
  },
  scope: { kind: 'Pod', name: 'p' },
  summary: { pass: 1, fail: 0 },
  results: [{ policy: 'p', result: 'pass' }],
});

test('changed fields equal the path-by-path definition, duplicates and removals included', () => {
  const variants: Array<(o: J) => void> = [
    () => {},
    (o) => { o.results[0].result = 'fail'; },
    (o) => { o.metadata.labels.b = '2'; delete o.scope; },
    (o) => { o.metadata.finalizers = ['x', 'y', 'x']; },
    (o) => { o.metadata.ownerReferences.push({ apiVersion: 'v1', kind: 'Pod', name: 'dup', uid: 'u1', extra: {} }); },
    (o) => { o.metadata.ownerReferences[0].name = 'q'; },
    (o) => { o.metadata.ownerReferences = 'not a list'; o.summary = {}; },
    (o) => { o.metadata.annotations = { deep: { list: [1, { x: null }] } }; },
  ];
  const objects = variants.map((v) => { const o = base(); v(o); return o; });
  let compared = 0;
  for (const after of objects) {
    for (const before of [undefined, ...objects]) {
      const want = reference(before, after);
      assert.deepEqual(paths(changedFields(before, after)), want);
      const { present, changed } = presentAndChanged(before, after);
      assert.deepEqual(paths(present), paths(fieldSetOf(after)));
      assert.deepEqual(paths(changed), want);
      compared++;
    }
  }
  assert.equal(compared, objects.length * (objects.length + 1));
});

test('a renamed duplicate owner reference is compared against the first item with its uid', () => {
  const before = base();
  before.metadata.ownerReferences.push({ apiVersion: 'v1', kind: 'Pod', name: 'second', uid: 'u1' });
  const after = base();
  after.metadata.ownerReferences.push({ apiVersion: 'v1', kind: 'Pod', name: 'changed', uid: 'u1' });
  // valueAt resolves k:{"uid":"u1"} to the first item in both, whose name did not change.
  const changed = paths(changedFields(before, after)).map((p) => p.join('/'));
  assert.ok(!changed.some((p) => p.includes('f:name') && p.includes('ownerReferences')), changed.join(', '));
});

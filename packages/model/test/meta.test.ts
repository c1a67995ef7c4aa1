import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidError, decodeReport, findResource } from '@docket/model';

const polr = findResource('wgpolicyk8s.io', 'v1alpha2', 'policyreports')!;

function causes(metadata: unknown): [string, string][] {
  const body = { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata };
  try {
    decodeReport(body, { resource: polr, version: 'v1alpha2' }, { fieldValidation: 'Strict' });
    return [];
  } catch (e) {
    if (e instanceof InvalidError) return e.causes.map((c) => [c.field, c.reason]);
    throw e;
  }
}

const owner = { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u1' };

const CASES: { name: string; meta: unknown; want: [string, string][] }[] = [
  { name: 'plain name', meta: { name: 'a.b-c' }, want: [] },
  { name: 'name of 253 characters', meta: { name: 'a'.repeat(253) }, want: [] },
  { name: 'name too long', meta: { name: 'a'.repeat(254) }, want: [['metadata.name', 'FieldValueInvalid']] },
  { name: 'upper-case name', meta: { name: 'Report' }, want: [['metadata.name', 'FieldValueInvalid']] },
  { name: 'name ending with a dash', meta: { name: 'a-' }, want: [['metadata.name', 'FieldValueInvalid']] },
  { name: 'no name, no generateName', meta: {}, want: [['metadata.name', 'FieldValueRequired']] },
  { name: 'no metadata at all', meta: undefined, want: [['metadata.name', 'FieldValueRequired']] },
  { name: 'empty name', meta: { name: '' }, want: [['metadata.name', 'FieldValueRequired']] },
  { name: 'generateName instead of name (trailing dash allowed)', meta: { generateName: 'kyverno-' }, want: [] },
  { name: 'bad generateName', meta: { generateName: 'Kyverno_' }, want: [['metadata.generateName', 'FieldValueInvalid']] },
  { name: 'namespace is a DNS label', meta: { name: 'a', namespace: 'team.a' }, want: [['metadata.namespace', 'FieldValueInvalid']] },
  { name: 'namespace of 64 characters', meta: { name: 'a', namespace: 'n'.repeat(64) }, want: [['metadata.namespace', 'FieldValueInvalid']] },
  { name: 'good labels', meta: { name: 'a', labels: { 'app.kubernetes.io/managed-by': 'kyverno', empty: '', 'x_y.z': 'A-1_b.c' } }, want: [] },
  { name: 'label key with two slashes', meta: { name: 'a', labels: { 'a/b/c': 'v' } }, want: [['metadata.labels', 'FieldValueInvalid']] },
  { name: 'label key with upper-case prefix', meta: { name: 'a', labels: { 'Example.com/a': 'v' } }, want: [['metadata.labels', 'FieldValueInvalid']] },
  { name: 'label value with a space and one too long', meta: { name: 'a', labels: { a: 'x y', b: 'v'.repeat(64) } },
    want: [['metadata.labels', 'FieldValueInvalid'], ['metadata.labels', 'FieldValueInvalid']] },
  { name: 'label value must be a string', meta: { name: 'a', labels: { a: 1 } }, want: [['metadata.labels[a]', 'FieldValueTypeInvalid']] },
  { name: 'annotations any value, keys checked case-insensitively', meta: { name: 'a', annotations: { 'Policies.Kyverno.io/Title': 'Any text at all: yes!' } }, want: [] },
  { name: 'annotation key invalid', meta: { name: 'a', annotations: { 'bad key': 'x' } }, want: [['metadata.annotations', 'FieldValueInvalid']] },
  { name: 'annotations over 256 KiB', meta: { name: 'a', annotations: { big: 'x'.repeat(256 * 1024) } }, want: [['metadata.annotations', 'FieldValueTooLong']] },
  { name: 'annotations just under 256 KiB (multi-byte)', meta: { name: 'a', annotations: { k: 'é'.repeat(131_070) } }, want: [] },
  { name: 'annotations over 256 KiB in bytes, not characters', meta: { name: 'a', annotations: { k: 'é'.repeat(131_073) } }, want: [['metadata.annotations', 'FieldValueTooLong']] },
  { name: 'owner reference complete', meta: { name: 'a', ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: false }] }, want: [] },
  { name: 'owner reference missing fields', meta: { name: 'a', ownerReferences: [{ kind: 'Pod', name: '' }] },
    want: [['metadata.ownerReferences[0].apiVersion', 'FieldValueRequired'], ['metadata.ownerReferences[0].name', 'FieldValueInvalid'], ['metadata.ownerReferences[0].uid', 'FieldValueRequired']] },
  { name: 'two controllers', meta: { name: 'a', ownerReferences: [{ ...owner, controller: true }, { ...owner, uid: 'u2', controller: true }] },
    want: [['metadata.ownerReferences', 'FieldValueInvalid']] },
  { name: 'finalizers are qualified names', meta: { name: 'a', finalizers: ['docket.dev/cleanup', 'orphan', 'not valid'] }, want: [['metadata.finalizers[2]', 'FieldValueInvalid']] },
  { name: 'timestamps are RFC 3339', meta: { name: 'a', creationTimestamp: '2024-01-02T03:04:05Z', deletionTimestamp: 'yesterday' }, want: [['metadata.deletionTimestamp', 'FieldValueInvalid']] },
  { name: 'generation is a non-negative integer', meta: { name: 'a', generation: -1 }, want: [['metadata.generation', 'FieldValueInvalid']] },
  { name: 'managedFields operation enum', meta: { name: 'a', managedFields: [{ manager: 'kubectl', operation: 'Patch', fieldsType: 'FieldsV1', fieldsV1: { 'f:results': {} } }] },
    want: [['metadata.managedFields[0].operation', 'FieldValueNotSupported']] },
];

for (const c of CASES) {
  test(`metadata: ${c.name}`, () => assert.deepEqual(causes(c.meta), c.want));
}

test('metadata messages read like the apiserver', () => {
  const body = { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name: 'Bad' } };
  assert.throws(() => decodeReport(body, { resource: polr, version: 'v1alpha2' }, { fieldValidation: 'Strict' }),
    (e: unknown) => e instanceof InvalidError && /^Invalid value: "Bad": a lowercase RFC 1123 subdomain must consist of/.test(e.causes[0]?.message ?? ''));
});

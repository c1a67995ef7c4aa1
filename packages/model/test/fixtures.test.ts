import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  BadRequestError, InvalidError, decodeReport, findResource, findResourceByKind, splitApiVersion, toVersion,
  type ReportObject,
} from '@docket/model';
import { genReportsPath } from '../../../test/support/shared.ts';

const fixture = (name: string): Record<string, unknown>[] =>
  parseAllDocuments(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);

function decodeDoc(doc: Record<string, unknown>) {
  const [, version] = splitApiVersion(String(doc.apiVersion));
  const resource = findResourceByKind(String(doc.apiVersion), String(doc.kind));
  assert.ok(resource, `no resource for ${String(doc.apiVersion)} ${String(doc.kind)}`);
  return decodeReport(doc, { resource, version }, { fieldValidation: 'Strict' });
}

const VALID: { file: string; check: (objs: ReportObject[]) => void }[] = [
  { file: 'kyverno-v1alpha2.yaml', check: ([o]) => {
    assert.equal(o?.apiVersion, 'wgpolicyk8s.io/v1beta1');
    assert.equal(o?.results?.[1]?.properties?.['patched-target'], 'apps/v1/Deployment/shop/checkout');
    assert.equal(o?.scope?.kind, 'Deployment');
  } },
  { file: 'kube-bench-cluster.yaml', check: ([o]) => {
    assert.equal(o?.kind, 'ClusterPolicyReport');
    assert.deepEqual(o?.summary, { pass: 8, fail: 2 }, 'decode keeps the incoming summary; core recomputes it');
    assert.match(o?.results?.[1]?.message ?? '', /\nthen decide$/);
  } },
  { file: 'falco-multi.yaml', check: (objs) => {
    assert.deepEqual(objs.map((o) => o.kind), ['PolicyReport', 'ClusterPolicyReport']);
    assert.equal(objs[0]?.metadata.name, objs[1]?.metadata.name);
    assert.equal(objs[0]?.results?.[0]?.resources?.[0]?.kind, 'Pod');
  } },
  { file: 'v1beta1-configuration.yaml', check: ([o]) => {
    assert.deepEqual(o?.configuration, { limits: { maxResults: 100, statusFilter: ['pass', 'fail', 'skip'] } });
    assert.equal(o?.source, 'kyverno');
  } },
  { file: 'openreports-report.yaml', check: ([o]) => {
    assert.equal(o?.apiVersion, 'openreports.io/v1alpha1');
    assert.equal(o?.scopeSelector?.matchExpressions?.[0]?.operator, 'In');
  } },
];

for (const { file, check } of VALID) {
  test(`fixture ${file} decodes in Strict mode and round-trips through every served version`, () => {
    const docs = fixture(file);
    const objects = docs.map((d) => decodeDoc(d).object);
    check(objects);
    for (const hub of objects) {
      const resource = findResourceByKind(hub.apiVersion, hub.kind);
      assert.ok(resource);
      for (const version of resource.versions) {
        const wire = toVersion(hub, version);
        const back: ReportObject = decodeReport(structuredClone(wire), { resource, version }, { fieldValidation: 'Strict' }).object;
        assert.deepEqual(back, hub, `round trip through ${version}`);
      }
    }
  });
}

test('trivy-style fixture is rejected with the negative nanos path, while empty policy and missing result pass', () => {
  const [doc] = fixture('trivy-invalid.yaml');
  assert.throws(() => decodeDoc(doc!), (e: unknown) => {
    assert.ok(e instanceof InvalidError);
    assert.deepEqual(e.causes.map((c) => [c.field, c.reason]), [['results[1].timestamp.nanos', 'FieldValueInvalid']]);
    assert.match(e.message, /^PolicyReport\.wgpolicyk8s\.io "pod-zipkin-7c9d8-zipkin" is invalid: results\[1\]\.timestamp\.nanos: Invalid value: -879126275: /);
    return true;
  });
});

test('kubearmor-style nanos above 999999999 are rejected', () => {
  const [doc] = fixture('kubearmor-nanos.yaml');
  assert.throws(() => decodeDoc(doc!), (e: unknown) =>
    e instanceof InvalidError && e.causes.length === 1 && e.causes[0]?.field === 'results[0].timestamp.nanos'
    && /less than or equal to 999999999/.test(e.causes[0].message));
});

test('kinds and versions that do not exist are not found, and a wrong kind for the URL is a BadRequest', () => {
  const [wrongKind, wrongVersion] = fixture('negative-kinds.yaml');
  assert.equal(findResourceByKind(String(wrongKind?.apiVersion), String(wrongKind?.kind)), undefined);
  assert.equal(findResourceByKind(String(wrongVersion?.apiVersion), String(wrongVersion?.kind)), undefined);
  const reports = findResource('openreports.io', 'v1alpha1', 'reports')!;
  assert.throws(() => decodeReport(wrongKind, { resource: reports, version: 'v1alpha1' }, { fieldValidation: 'Strict' }),
    (e: unknown) => e instanceof BadRequestError && /"PolicyReport"/.test(e.message) && /"Report"/.test(e.message));
});

for (const group of ['wgpolicy', 'openreports']) {
  test(`200 generated ${group} reports decode, keep their content and round-trip`, () => {
    const out = execFileSync(process.execPath, [genReportsPath(), '200', group], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 200);
    for (const line of lines) {
      const doc = JSON.parse(line) as Record<string, unknown>;
      const [g, version] = splitApiVersion(String(doc.apiVersion));
      const resource = findResourceByKind(String(doc.apiVersion), String(doc.kind))!;
      const { object, warnings } = decodeReport(doc, { resource, version }, { fieldValidation: 'Strict' });
      assert.deepEqual(warnings, []);
      assert.equal(object.apiVersion, `${g}/${resource.storageVersion}`);
      assert.deepEqual({ ...object, apiVersion: doc.apiVersion }, doc, 'hub content equals the generated body');
      for (const v of resource.versions) {
        const back = decodeReport(toVersion(object, v), { resource, version: v }, { fieldValidation: 'Strict' }).object;
        assert.deepEqual(back, object);
      }
    }
  });
}

test('v1alpha1 body with v1alpha2 field names: Strict rejects, Warn prunes like a CRD would', () => {
  const [doc] = fixture('kube-bench-v1alpha1-mismatch.yaml');
  const resource = findResource('wgpolicyk8s.io', 'v1alpha1', 'policyreports')!;
  assert.throws(() => decodeReport(doc, { resource, version: 'v1alpha1' }, { fieldValidation: 'Strict' }),
    (e: unknown) => e instanceof BadRequestError
      && e.message === 'strict decoding error: unknown field "results[0].result", unknown field "results[0].properties"');
  const { object, warnings } = decodeReport(doc, { resource, version: 'v1alpha1' }, { fieldValidation: 'Warn' });
  assert.deepEqual(warnings, ['unknown field "results[0].result"', 'unknown field "results[0].properties"']);
  assert.equal(object.results?.[0]?.result, undefined);
  assert.deepEqual([object.results?.[1]?.result, object.results?.[1]?.properties], ['fail', { index: '1.1.2' }]);
});

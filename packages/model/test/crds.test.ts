import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { RESOURCE_TYPES, renderCrds, type JsonSchemaProps } from '@docket/model';

const dir = new URL('../../../deploy/crds/', import.meta.url);

test('deploy/crds/ matches the generator (run: node --import tsx scripts/gen-crds.ts)', () => {
  const want = renderCrds();
  const have = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  assert.deepEqual(have, Object.keys(want).sort());
  for (const [name, text] of Object.entries(want)) {
    assert.equal(readFileSync(new URL(name, dir), 'utf8'), text, `${name} is out of date`);
  }
});

/** Structural-schema rules the apiserver enforces: every node has a type; maps and lists are typed. */
function structuralProblems(s: JsonSchemaProps, path: string, out: string[]): void {
  if (!s.type) out.push(`${path}: no type`);
  if (s.type === 'array' && !s.items) out.push(`${path}: array without items`);
  if (s.properties && s.additionalProperties) out.push(`${path}: properties and additionalProperties together`);
  for (const [k, child] of Object.entries(s.properties ?? {})) structuralProblems(child, `${path}.${k}`, out);
  if (s.items) structuralProblems(s.items, `${path}[]`, out);
  if (s.additionalProperties) structuralProblems(s.additionalProperties, `${path}{}`, out);
}

test('each CRD is a structural apiextensions.k8s.io/v1 CRD with one storage version and the resource names', () => {
  const crds = renderCrds();
  for (const r of RESOURCE_TYPES) {
    const crd = parse(crds[`${r.group}_${r.plural}.yaml`] ?? '') as {
      apiVersion: string; metadata: { name: string };
      spec: { group: string; scope: string; names: Record<string, unknown>; versions: { name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: JsonSchemaProps }; additionalPrinterColumns: unknown[] }[] };
    };
    assert.equal(crd.apiVersion, 'apiextensions.k8s.io/v1');
    assert.equal(crd.metadata.name, `${r.plural}.${r.group}`);
    assert.equal(crd.spec.scope, r.namespaced ? 'Namespaced' : 'Cluster');
    assert.deepEqual(crd.spec.names, {
      kind: r.kind, listKind: r.listKind, plural: r.plural, singular: r.singular,
      ...(r.shortNames.length > 0 ? { shortNames: [...r.shortNames] } : {}),
    });
    assert.deepEqual(crd.spec.versions.map((v) => v.name).sort(), [...r.versions].sort());
    const storage = crd.spec.versions.filter((v) => v.storage).map((v) => v.name);
    assert.deepEqual(storage, [r.group === 'wgpolicyk8s.io' ? 'v1alpha2' : r.storageVersion]);
    for (const v of crd.spec.versions) {
      assert.equal(v.served, true);
      assert.equal(v.additionalPrinterColumns.length, 8);
      const out: string[] = [];
      structuralProblems(v.schema.openAPIV3Schema, v.name, out);
      assert.deepEqual(out, []);
    }
  }
});

test('the wgpolicyk8s.io CRD explains why v1alpha2 is its storage version', () => {
  assert.match(renderCrds()['wgpolicyk8s.io_policyreports.yaml'] ?? '', /^# .*\n# .*storage version/m);
});

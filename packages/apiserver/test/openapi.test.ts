import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildOpenApiV2, buildOpenApiV3, buildOpenApiV3All, buildOpenApiV3Index, definitionName, openApiHash,
} from '../src/openapi.ts';

type J = Record<string, any>;

test('definition names reverse the group like kube', () => {
  assert.equal(definitionName('wgpolicyk8s.io', 'v1alpha2', 'PolicyReport'), 'io.wgpolicyk8s.v1alpha2.PolicyReport');
  assert.equal(definitionName('reports.x-k8s.io', 'v1beta2', 'PolicyReport'), 'io.x-k8s.reports.v1beta2.PolicyReport');
});

test('v3 index lists every served group-version with the hash of its document', () => {
  const docs = buildOpenApiV3All();
  const index = buildOpenApiV3Index(docs) as J;
  assert.deepEqual(Object.keys(index.paths).sort(), [
    'apis/openreports.io/v1alpha1', 'apis/reports.x-k8s.io/v1beta2', 'apis/wgpolicyk8s.io/v1alpha1', 'apis/wgpolicyk8s.io/v1alpha2', 'apis/wgpolicyk8s.io/v1beta1',
  ]);
  const entry = index.paths['apis/wgpolicyk8s.io/v1alpha2'].serverRelativeURL as string;
  assert.equal(entry, `/openapi/v3/apis/wgpolicyk8s.io/v1alpha2?hash=${openApiHash(docs.get('wgpolicyk8s.io/v1alpha2'))}`);
  assert.match(entry, /hash=[0-9A-F]{128}$/);
  assert.notEqual(openApiHash(docs.get('wgpolicyk8s.io/v1alpha2')), openApiHash(docs.get('wgpolicyk8s.io/v1beta1')));
  assert.equal(buildOpenApiV3('wgpolicyk8s.io', 'v2'), undefined);
});

test('v3 document: schemas with GVK extensions, metadata as ObjectMeta, meta definitions resolvable', () => {
  const doc = buildOpenApiV3('wgpolicyk8s.io', 'v1alpha2')! as J;
  const schemas = doc.components.schemas as J;
  const polr = schemas['io.wgpolicyk8s.v1alpha2.PolicyReport'];
  assert.deepEqual(polr['x-kubernetes-group-version-kind'], [{ group: 'wgpolicyk8s.io', kind: 'PolicyReport', version: 'v1alpha2' }]);
  assert.deepEqual(polr.properties.metadata.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
  assert.ok(polr.properties.results && polr.properties.scope && polr.properties.summary, 'schema from the model');
  assert.ok(typeof polr.description === 'string' && polr.description.length > 0);
  assert.deepEqual(schemas['io.wgpolicyk8s.v1alpha2.PolicyReportList']['x-kubernetes-group-version-kind'], [{ group: 'wgpolicyk8s.io', kind: 'PolicyReportList', version: 'v1alpha2' }]);
  // Every $ref points at a schema in the same document.
  const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[^"]+/g)!;
  for (const r of new Set(refs)) assert.ok(schemas[r.slice('#/components/schemas/'.length)], r);
});

test('v3 paths: kubectl finds PATCH for the GVK with fieldValidation, so it validates on the server', () => {
  const doc = buildOpenApiV3('wgpolicyk8s.io', 'v1alpha2')! as J;
  const item = doc.paths['/apis/wgpolicyk8s.io/v1alpha2/namespaces/{namespace}/policyreports/{name}'];
  assert.deepEqual(item.patch['x-kubernetes-group-version-kind'], { group: 'wgpolicyk8s.io', version: 'v1alpha2', kind: 'PolicyReport' });
  const q = item.patch.parameters.filter((p: J) => p.in === 'query').map((p: J) => p.name);
  assert.deepEqual(q, ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
  // No strategic merge patch: kubectl must fall back to JSON merge patch for custom resources.
  assert.deepEqual(Object.keys(item.patch.requestBody.content), ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
  assert.deepEqual(Object.keys(item).sort(), ['delete', 'get', 'parameters', 'patch', 'put']);
  assert.ok(doc.paths['/apis/wgpolicyk8s.io/v1alpha2/policyreports'].get, 'list across namespaces');
  assert.ok(doc.paths['/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/{name}'].patch, 'cluster-scoped item path');
  const ids = Object.values(doc.paths).flatMap((p: any) => Object.entries(p).filter(([k]) => k !== 'parameters').map(([, o]: any) => o.operationId));
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

test('v2 document is swagger 2.0 with #/definitions references', () => {
  const v2 = buildOpenApiV2() as J;
  assert.equal(v2.swagger, '2.0');
  const text = JSON.stringify(v2);
  assert.equal(text.includes('#/components/'), false);
  for (const r of new Set(text.match(/#\/definitions\/[^"]+/g)!)) assert.ok(v2.definitions[r.slice('#/definitions/'.length)], r);
  assert.ok(v2.definitions['io.openreports.v1alpha1.ClusterReport']);
  const patch = v2.paths['/apis/openreports.io/v1alpha1/namespaces/{namespace}/reports/{name}'].patch;
  assert.ok(patch.parameters.some((p: J) => p.in === 'body' && p.schema.$ref === '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch'));
  assert.ok(patch.parameters.some((p: J) => p.name === 'fieldValidation' && p.type === 'string'));
});

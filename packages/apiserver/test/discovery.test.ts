import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCE_TYPES } from '@docket/model';
import {
  RESOURCE_VERBS, apiGroup, apiGroupDiscoveryList, apiGroupList, apiResourceList, discoveryContentType,
  etagOf, negotiateDiscovery, servedGroups, storageVersionHash,
} from '../src/discovery.ts';

type J = Record<string, any>;

test('groups: every served group once, preferred version first', () => {
  const list = apiGroupList() as J;
  assert.equal(list.kind, 'APIGroupList');
  assert.deepEqual(list.groups.map((g: J) => [g.name, g.preferredVersion.groupVersion, g.versions.map((v: J) => v.version)]), [
    ['wgpolicyk8s.io', 'wgpolicyk8s.io/v1alpha2', ['v1alpha2', 'v1beta1', 'v1alpha1']],
    ['reports.x-k8s.io', 'reports.x-k8s.io/v1beta2', ['v1beta2']],
    ['openreports.io', 'openreports.io/v1alpha1', ['v1alpha1']],
  ]);
  assert.deepEqual((apiGroup('openreports.io') as J).kind, 'APIGroup');
  assert.equal(apiGroup('apps'), undefined);
});

test('resource lists carry kind, scope, verbs, short names and a storage version hash', () => {
  const l = apiResourceList('wgpolicyk8s.io', 'v1beta1') as J;
  assert.equal(l.groupVersion, 'wgpolicyk8s.io/v1beta1');
  const polr = l.resources.find((r: J) => r.name === 'policyreports');
  assert.deepEqual({ ...polr, storageVersionHash: undefined }, {
    name: 'policyreports', singularName: 'policyreport', namespaced: true, kind: 'PolicyReport',
    verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'], shortNames: ['polr'], storageVersionHash: undefined,
  });
  assert.match(polr.storageVersionHash, /^[A-Za-z0-9+/]{11}=$/);
  // Same storage version → same hash across served versions; different kinds differ.
  const [a, b, c] = [RESOURCE_TYPES[0]!, RESOURCE_TYPES[1]!, RESOURCE_TYPES[2]!];
  assert.notEqual(storageVersionHash(a), storageVersionHash(b));
  assert.notEqual(storageVersionHash(a), storageVersionHash(c));
  assert.equal(l.resources.find((r: J) => r.name === 'clusterpolicyreports').namespaced, false);
  assert.equal(apiResourceList('wgpolicyk8s.io', 'v9'), undefined);
  assert.equal(apiResourceList('openreports.io', 'v1beta1'), undefined);
});

test('aggregated discovery: content negotiation follows the client order', () => {
  const v2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const v2beta1Only = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  assert.equal(negotiateDiscovery(v2), 'v2');
  assert.equal(negotiateDiscovery(v2beta1Only), 'v2beta1');
  assert.equal(negotiateDiscovery('application/json, */*'), 'legacy');
  assert.equal(negotiateDiscovery(undefined), 'legacy');
  assert.equal(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList'), 'legacy');
  assert.equal(discoveryContentType('v2'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
});

test('aggregated discovery document shape (v2 and v2beta1)', () => {
  for (const f of ['v2', 'v2beta1'] as const) {
    const d = apiGroupDiscoveryList(f) as J;
    assert.equal(d.apiVersion, `apidiscovery.k8s.io/${f}`);
    assert.equal(d.kind, 'APIGroupDiscoveryList');
    assert.deepEqual(d.items.map((g: J) => g.metadata.name), servedGroups().map((g) => g.name));
    const wg = d.items[0];
    assert.deepEqual(wg.versions.map((v: J) => [v.version, v.freshness]), [['v1alpha2', 'Current'], ['v1beta1', 'Current'], ['v1alpha1', 'Current']]);
    const res = wg.versions[0].resources.find((r: J) => r.resource === 'clusterpolicyreports');
    assert.deepEqual(res, {
      resource: 'clusterpolicyreports', responseKind: { group: 'wgpolicyk8s.io', version: 'v1alpha2', kind: 'ClusterPolicyReport' },
      scope: 'Cluster', singularResource: 'clusterpolicyreport', verbs: [...RESOURCE_VERBS], shortNames: ['cpolr'],
    });
  }
  assert.match(etagOf({ a: 1 }), /^"[0-9a-f]{32}"$/);
  assert.notEqual(etagOf({ a: 1 }), etagOf({ a: 2 }));
});

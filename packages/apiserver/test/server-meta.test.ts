import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer, json, POLR, type TestServer } from './helpers.ts';
import { openStore } from '@docket/store';

let s: TestServer;
before(async () => { s = await startServer(); });
after(async () => { await s.close(); });

test('health probes; readyz pings the store', async () => {
  for (const url of ['/healthz', '/livez', '/readyz']) {
    const res = await s.app.inject({ url });
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.body, 'ok');
  }
  const store = await openStore('sqlite::memory:', {});
  const g = await startServer({ store });
  await store.close();
  try {
    const res = await g.app.inject({ url: '/readyz' });
    assert.equal(res.statusCode, 503);
  } finally {
    await g.app.close();
  }
});

test('/version answers the version document', async () => {
  const v = json((await s.app.inject({ url: '/version' })).body);
  assert.equal(v['major'], '1');
  assert.match(String(v['gitVersion']), /^v1\.\d+/);
});

test('legacy discovery documents by default', async () => {
  const apis = json((await s.app.inject({ url: '/apis', headers: { accept: 'application/json, */*' } })).body);
  assert.equal(apis['kind'], 'APIGroupList');
  const groups = (apis['groups'] as Array<{ name: string }>).map((g) => g.name);
  assert.ok(groups.includes('wgpolicyk8s.io') && groups.includes('openreports.io'));
  assert.equal(json((await s.app.inject({ url: '/api' })).body)['kind'], 'APIVersions');
  assert.equal(json((await s.app.inject({ url: '/apis/wgpolicyk8s.io' })).body)['kind'], 'APIGroup');
  const rl = json((await s.app.inject({ url: '/apis/wgpolicyk8s.io/v1alpha2' })).body);
  assert.equal(rl['kind'], 'APIResourceList');
  assert.ok((rl['resources'] as Array<{ name: string }>).some((r) => r.name === 'policyreports'));
});

test('aggregated discovery when Accept asks for it, with the matching Content-Type and ETag revalidation', async () => {
  const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  const res = await s.app.inject({ url: '/apis', headers: { accept } });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /^application\/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList/);
  assert.equal(json(res.body)['kind'], 'APIGroupDiscoveryList');
  const etag = res.headers['etag'] as string;
  assert.ok(etag);
  const again = await s.app.inject({ url: '/apis', headers: { accept, 'if-none-match': etag } });
  assert.equal(again.statusCode, 304);
  const beta = await s.app.inject({ url: '/apis', headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' } });
  assert.match(beta.headers['content-type'] as string, /v=v2beta1/);
});

test('OpenAPI v3 index, group-version documents and v2', async () => {
  const index = json((await s.app.inject({ url: '/openapi/v3' })).body);
  const paths = index['paths'] as Record<string, { serverRelativeURL: string }>;
  const gv = paths['apis/wgpolicyk8s.io/v1alpha2'];
  assert.ok(gv);
  const doc = await s.app.inject({ url: gv.serverRelativeURL });
  assert.equal(doc.statusCode, 200);
  assert.equal(json(doc.body)['openapi'], '3.0.0');
  assert.equal((await s.app.inject({ url: '/openapi/v3/apis/nope.io/v1' })).statusCode, 404);
  assert.equal(json((await s.app.inject({ url: '/openapi/v2' })).body)['swagger'], '2.0');
});

test('closing the server ends open watches instead of waiting for their timeout', async () => {
  const g = await startServer();
  await g.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (g.app.server.address() as AddressInfo).port;
  const ended = new Promise<void>((resolve, reject) => {
    http.get(`http://127.0.0.1:${port}${POLR}?watch=true`, (r) => { r.resume(); r.on('end', resolve); r.on('error', resolve); }).on('error', reject);
  });
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  await g.close();
  await ended;
  assert.ok(Date.now() - t0 < 3000, `close took ${Date.now() - t0} ms`);
});

test('/openapi/v2 in protobuf is a minimal well-formed Document (kubectl validates List files with it)', async () => {
  const res = await s.app.inject({ url: '/openapi/v2', headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
  const b = res.rawPayload;
  // field 1 (swagger), length 3, "2.0"; then field 2 (info), length-delimited.
  assert.deepEqual([...b.subarray(0, 5)], [0x0a, 3, 0x32, 0x2e, 0x30]);
  assert.equal(b[5], 0x12);
  assert.equal(b[6], b.length - 7);
});

test('every namespace reads as Active (reports may be written to any namespace)', async () => {
  const ns = json((await s.app.inject({ url: '/api/v1/namespaces/team-a' })).body);
  assert.equal(ns['kind'], 'Namespace');
  assert.equal((ns['metadata'] as Record<string, unknown>)['name'], 'team-a');
  assert.deepEqual(ns['status'], { phase: 'Active' });
});

test('/api lists core v1 with the namespaces resource, legacy and aggregated', async () => {
  const legacy = json((await s.app.inject({ url: '/api' })).body);
  assert.deepEqual(legacy['versions'], ['v1']);
  const v1 = json((await s.app.inject({ url: '/api/v1' })).body);
  assert.deepEqual((v1['resources'] as Array<{ name: string; verbs: string[] }>).map((r) => [r.name, r.verbs]), [['namespaces', ['get']]]);
  const agg = json((await s.app.inject({ url: '/api', headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } })).body);
  const versions = (agg['items'] as Array<{ versions: Array<{ version: string; resources: unknown[] }> }>)[0]!.versions;
  assert.equal(versions[0]!.version, 'v1');
  assert.equal(versions[0]!.resources.length, 1);
});

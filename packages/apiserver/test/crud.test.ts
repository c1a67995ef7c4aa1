import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, report, json, create, POLR, CPOLR, type TestServer } from './helpers.ts';

let s: TestServer;
before(async () => { s = await startServer(); });
after(async () => { await s.close(); });

test('create answers 201 in the request version with a recomputed summary', async () => {
  const res = await s.app.inject({ method: 'POST', url: POLR, payload: report('c1') });
  assert.equal(res.statusCode, 201, res.body);
  const body = json(res.body);
  assert.equal(body['apiVersion'], 'wgpolicyk8s.io/v1alpha2');
  assert.equal(body['kind'], 'PolicyReport');
  assert.deepEqual(body['summary'], { pass: 1, fail: 1, warn: 0, error: 0, skip: 0 });
  const meta = body['metadata'] as Record<string, unknown>;
  assert.equal(meta['namespace'], 'default');
  assert.ok(meta['uid'] && meta['resourceVersion'] && meta['creationTimestamp']);
});

test('create accepts YAML and fills the namespace from the URL', async () => {
  const yaml = 'apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata:\n  name: y1\nresults: []\n';
  const res = await s.app.inject({ method: 'POST', url: POLR, payload: yaml, headers: { 'content-type': 'application/yaml' } });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal((json(res.body)['metadata'] as Record<string, unknown>)['namespace'], 'default');
});

test('get in another version of the group converts, and YAML is served on request', async () => {
  await create(s.app, report('g1'));
  const res = await s.app.inject({ url: '/apis/wgpolicyk8s.io/v1beta1/namespaces/default/policyreports/g1' });
  assert.equal(res.statusCode, 200);
  assert.equal(json(res.body)['apiVersion'], 'wgpolicyk8s.io/v1beta1');
  const y = await s.app.inject({ url: `${POLR}/g1`, headers: { accept: 'application/yaml' } });
  assert.equal(y.statusCode, 200);
  assert.match(y.headers['content-type'] as string, /yaml/);
  assert.match(y.body, /^apiVersion: wgpolicyk8s.io\/v1alpha2$/m);
});

test('create of an existing name is 409 AlreadyExists and leaves the object alone', async () => {
  const first = await create(s.app, report('dup'));
  const changed = report('dup');
  (changed['results'] as unknown[]).pop();
  const res = await s.app.inject({ method: 'POST', url: POLR, payload: changed });
  assert.equal(res.statusCode, 409);
  const st = json(res.body);
  assert.equal(st['kind'], 'Status');
  assert.equal(st['reason'], 'AlreadyExists');
  assert.equal(st['code'], 409);
  const now = json((await s.app.inject({ url: `${POLR}/dup` })).body);
  assert.deepEqual(now['metadata'], first['metadata']);
});

test('namespace mismatch between body and URL is 400 and nothing is written', async () => {
  const res = await s.app.inject({ method: 'POST', url: POLR, payload: report('nsx', { namespace: 'other' }) });
  assert.equal(res.statusCode, 400);
  assert.equal(json(res.body)['reason'], 'BadRequest');
  assert.equal((await s.app.inject({ url: `${POLR}/nsx` })).statusCode, 404);
});

test('invalid report is 422 with field paths, nothing written', async () => {
  const bad = report('bad1');
  (bad['results'] as Array<Record<string, unknown>>)[0]!['result'] = 'maybe';
  const res = await s.app.inject({ method: 'POST', url: POLR, payload: bad });
  assert.equal(res.statusCode, 422, res.body);
  const st = json(res.body);
  assert.equal(st['reason'], 'Invalid');
  const causes = (st['details'] as { causes: Array<{ field: string }> }).causes;
  assert.ok(causes.some((c) => c.field === 'results[0].result'), JSON.stringify(causes));
  assert.equal((await s.app.inject({ url: `${POLR}/bad1` })).statusCode, 404);
});

test('unknown fields: Strict (default) rejects, Warn stores with a Warning header, Ignore is silent', async () => {
  const body = { ...report('uf'), sumary: {} };
  const strict = await s.app.inject({ method: 'POST', url: POLR, payload: body });
  assert.equal(strict.statusCode, 400);
  assert.match(json(strict.body)['message'] as string, /unknown field "sumary"/);
  const warn = await s.app.inject({ method: 'POST', url: `${POLR}?fieldValidation=Warn`, payload: body });
  assert.equal(warn.statusCode, 201);
  assert.match(String(warn.headers['warning']), /^299 - "unknown field \\"sumary\\""/);
  const bad = await s.app.inject({ method: 'POST', url: `${POLR}?fieldValidation=Sometimes`, payload: report('uf2') });
  assert.equal(bad.statusCode, 400);
});

test('dryRun=All validates and answers but stores nothing', async () => {
  const res = await s.app.inject({ method: 'POST', url: `${POLR}?dryRun=All`, payload: report('dry') });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal((await s.app.inject({ url: `${POLR}/dry` })).statusCode, 404);
});

test('PUT updates with optimistic concurrency; stale resourceVersion is 409 Conflict', async () => {
  const created = await create(s.app, report('u1'));
  const rv = (created['metadata'] as Record<string, unknown>)['resourceVersion'];
  const next = { ...report('u1'), metadata: { name: 'u1', namespace: 'default', resourceVersion: rv, labels: { v: '2' } } };
  const ok = await s.app.inject({ method: 'PUT', url: `${POLR}/u1`, payload: next });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.notEqual((json(ok.body)['metadata'] as Record<string, unknown>)['resourceVersion'], rv);
  const stale = await s.app.inject({ method: 'PUT', url: `${POLR}/u1`, payload: next });
  assert.equal(stale.statusCode, 409);
  assert.equal(json(stale.body)['reason'], 'Conflict');
  const renamed = await s.app.inject({ method: 'PUT', url: `${POLR}/u1`, payload: report('u2') });
  assert.equal(renamed.statusCode, 400);
  const missing = await s.app.inject({ method: 'PUT', url: `${POLR}/nope`, payload: report('nope') });
  assert.equal(missing.statusCode, 404);
});

test('DELETE answers a Success Status; preconditions are honoured; second delete is 404', async () => {
  const created = await create(s.app, report('d1'));
  const uid = (created['metadata'] as Record<string, unknown>)['uid'];
  const wrong = await s.app.inject({ method: 'DELETE', url: `${POLR}/d1`, payload: { preconditions: { uid: 'not-it' } } });
  assert.equal(wrong.statusCode, 409);
  const res = await s.app.inject({ method: 'DELETE', url: `${POLR}/d1`, payload: { propagationPolicy: 'Background', preconditions: { uid } } });
  assert.equal(res.statusCode, 200, res.body);
  const st = json(res.body);
  assert.equal(st['status'], 'Success');
  assert.equal((st['details'] as Record<string, unknown>)['uid'], uid);
  const again = await s.app.inject({ method: 'DELETE', url: `${POLR}/d1` });
  assert.equal(again.statusCode, 404);
  assert.equal(json(again.body)['reason'], 'NotFound');
  const badPolicy = await s.app.inject({ method: 'DELETE', url: `${POLR}/x?propagationPolicy=Sometimes` });
  assert.equal(badPolicy.statusCode, 400);
});

test('deletecollection deletes what the label selector matches', async () => {
  const url = '/apis/wgpolicyk8s.io/v1alpha2/namespaces/dc/policyreports';
  for (const [n, team] of [['a', 'x'], ['b', 'x'], ['c', 'y']] as const) await create(s.app, report(n, { namespace: 'dc', labels: { team } }), url);
  const res = await s.app.inject({ method: 'DELETE', url: `${url}?labelSelector=team%3Dx` });
  assert.equal(res.statusCode, 200, res.body);
  const list = json(res.body);
  assert.equal(list['kind'], 'PolicyReportList');
  assert.deepEqual((list['items'] as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name).sort(), ['a', 'b']);
  const left = json((await s.app.inject({ url })).body);
  assert.deepEqual((left['items'] as Array<{ metadata: { name: string } }>).map((i) => i.metadata.name), ['c']);
});

test('cluster-scoped resources live at the root path', async () => {
  const body = report('cluster1', { namespace: '', kind: 'ClusterPolicyReport' });
  const res = await s.app.inject({ method: 'POST', url: CPOLR, payload: body });
  assert.equal(res.statusCode, 201, res.body);
  assert.equal((json(res.body)['metadata'] as Record<string, unknown>)['namespace'], undefined);
  assert.equal((await s.app.inject({ url: `${CPOLR}/cluster1` })).statusCode, 200);
  // Not under a namespace.
  assert.equal((await s.app.inject({ url: '/apis/wgpolicyk8s.io/v1alpha2/namespaces/default/clusterpolicyreports/cluster1' })).statusCode, 404);
});

test('DELETE of an object with finalizers marks it (200 with deletionTimestamp); removing them deletes it', async () => {
  const body = report('fin');
  (body['metadata'] as Record<string, unknown>)['finalizers'] = ['example.com/hold'];
  await create(s.app, body);
  const res = await s.app.inject({ method: 'DELETE', url: `${POLR}/fin` });
  assert.equal(res.statusCode, 200, res.body);
  const marked = json(res.body);
  assert.equal(marked['kind'], 'PolicyReport');
  assert.ok((marked['metadata'] as Record<string, unknown>)['deletionTimestamp']);
  const release = await s.app.inject({ method: 'PATCH', url: `${POLR}/fin`, headers: { 'content-type': 'application/json-patch+json' },
    payload: [{ op: 'remove', path: '/metadata/finalizers' }] });
  assert.equal(release.statusCode, 200, release.body);
  assert.equal((await s.app.inject({ url: `${POLR}/fin` })).statusCode, 404);
});

test('generateName creates a fresh name', async () => {
  const body = report('ignored');
  body['metadata'] = { generateName: 'gen-' };
  const res = await s.app.inject({ method: 'POST', url: POLR, payload: body });
  assert.equal(res.statusCode, 201, res.body);
  assert.match((json(res.body)['metadata'] as Record<string, string>)['name']!, /^gen-.+/);
  const none = await s.app.inject({ method: 'POST', url: POLR, payload: { ...body, metadata: {} } });
  assert.equal(none.statusCode, 422, none.body);
});

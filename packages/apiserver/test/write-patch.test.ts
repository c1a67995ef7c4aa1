import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, report, json, create, POLR, type TestServer } from './helpers.ts';

let s: TestServer;
before(async () => { s = await startServer(); });
after(async () => { await s.close(); });

const MERGE = { 'content-type': 'application/merge-patch+json' };
const JSONP = { 'content-type': 'application/json-patch+json' };
const APPLY = { 'content-type': 'application/apply-patch+yaml' };
type Obj = Record<string, unknown> & { metadata: Record<string, unknown>; summary?: Record<string, number>; results?: unknown[] };

test('merge patch changes labels and recomputes the summary when results change', async () => {
  await create(s.app, report('m1'));
  const res = await s.app.inject({ method: 'PATCH', url: `${POLR}/m1`, headers: MERGE,
    payload: { metadata: { labels: { team: 'a' } }, results: [{ policy: 'p', result: 'warn' }] } });
  assert.equal(res.statusCode, 200, res.body);
  const o = json(res.body) as Obj;
  assert.deepEqual(o.metadata['labels'], { team: 'a' });
  assert.deepEqual(o.summary, { pass: 0, fail: 0, warn: 1, error: 0, skip: 0 });
});

test('JSON patch applies operations; a failing test op is an error and changes nothing', async () => {
  const before = await create(s.app, report('j1'));
  const ok = await s.app.inject({ method: 'PATCH', url: `${POLR}/j1`, headers: JSONP,
    payload: [{ op: 'replace', path: '/results/0/result', value: 'pass' }] });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual((json(ok.body) as Obj).summary, { pass: 2, fail: 0, warn: 0, error: 0, skip: 0 });
  const bad = await s.app.inject({ method: 'PATCH', url: `${POLR}/j1`, headers: JSONP,
    payload: [{ op: 'test', path: '/results/0/result', value: 'fail' }, { op: 'remove', path: '/results' }] });
  assert.ok(bad.statusCode >= 400 && bad.statusCode < 500, `${bad.statusCode} ${bad.body}`);
  const now = json((await s.app.inject({ url: `${POLR}/j1` })).body) as Obj;
  assert.equal(now.results?.length, 2);
  assert.notEqual(now.metadata['resourceVersion'], (before['metadata'] as Record<string, unknown>)['resourceVersion']);
});

test('a patch making the object invalid is 422 and nothing is written', async () => {
  await create(s.app, report('inv'));
  const res = await s.app.inject({ method: 'PATCH', url: `${POLR}/inv`, headers: MERGE, payload: { results: [{ policy: 'p', result: 'maybe' }] } });
  assert.equal(res.statusCode, 422, res.body);
  const now = json((await s.app.inject({ url: `${POLR}/inv` })).body) as Obj;
  assert.equal(now.results?.length, 2);
});

test('a patch pinning a stale resourceVersion is 409 Conflict (no retry)', async () => {
  const c = await create(s.app, report('pin'));
  const rv = (c['metadata'] as Record<string, unknown>)['resourceVersion'];
  await s.app.inject({ method: 'PATCH', url: `${POLR}/pin`, headers: MERGE, payload: { metadata: { labels: { a: '1' } } } });
  const res = await s.app.inject({ method: 'PATCH', url: `${POLR}/pin`, headers: MERGE, payload: { metadata: { resourceVersion: rv, labels: { a: '2' } } } });
  assert.equal(res.statusCode, 409, res.body);
  assert.equal(json(res.body)['reason'], 'Conflict');
});

test('concurrent merge patches all land (conflicts are retried with a fresh read)', async () => {
  await create(s.app, report('cc'));
  const results = await Promise.all(Array.from({ length: 6 }, (_, i) => s.app.inject({ method: 'PATCH', url: `${POLR}/cc`, headers: MERGE,
    payload: { metadata: { labels: { [`k${i}`]: 'v' } } } })));
  for (const r of results) assert.equal(r.statusCode, 200, r.body);
  const labels = (json((await s.app.inject({ url: `${POLR}/cc` })).body) as Obj).metadata['labels'] as Record<string, string>;
  assert.deepEqual(Object.keys(labels).sort(), ['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
});

test('patch of a missing object is 404; server-side apply creates it with 201', async () => {
  const missing = await s.app.inject({ method: 'PATCH', url: `${POLR}/ghost`, headers: MERGE, payload: { metadata: { labels: { a: 'b' } } } });
  assert.equal(missing.statusCode, 404);
  const yaml = 'apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata:\n  name: ssa1\nresults:\n- policy: p\n  result: fail\n';
  const created = await s.app.inject({ method: 'PATCH', url: `${POLR}/ssa1?fieldManager=test`, headers: APPLY, payload: yaml });
  assert.equal(created.statusCode, 201, created.body);
  assert.deepEqual((json(created.body) as Obj).summary, { pass: 0, fail: 1, warn: 0, error: 0, skip: 0 });
  const again = await s.app.inject({ method: 'PATCH', url: `${POLR}/ssa1?fieldManager=test`, headers: APPLY, payload: yaml.replace('fail', 'pass') });
  assert.equal(again.statusCode, 200, again.body);
  assert.deepEqual((json(again.body) as Obj).summary, { pass: 1, fail: 0, warn: 0, error: 0, skip: 0 });
  const noManager = await s.app.inject({ method: 'PATCH', url: `${POLR}/ssa1`, headers: APPLY, payload: yaml });
  assert.equal(noManager.statusCode, 400);
});

test('dryRun patch answers the patched object but stores nothing', async () => {
  await create(s.app, report('dp'));
  const res = await s.app.inject({ method: 'PATCH', url: `${POLR}/dp?dryRun=All`, headers: MERGE, payload: { metadata: { labels: { dry: 'yes' } } } });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual((json(res.body) as Obj).metadata['labels'], { dry: 'yes' });
  const now = json((await s.app.inject({ url: `${POLR}/dp` })).body) as Obj;
  assert.equal(now.metadata['labels'], undefined);
});

test('malformed patch bodies are 400', async () => {
  await create(s.app, report('mal'));
  const notArray = await s.app.inject({ method: 'PATCH', url: `${POLR}/mal`, headers: JSONP, payload: { op: 'add' } });
  assert.equal(notArray.statusCode, 400);
  const broken = await s.app.inject({ method: 'PATCH', url: `${POLR}/mal`, headers: MERGE, payload: '{"metadata":' });
  assert.equal(broken.statusCode, 400);
  assert.match(json(broken.body)['message'] as string, /line 1, column 13/);
});

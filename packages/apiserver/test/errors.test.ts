import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openStore, type ReportStore } from '@docket/store';
import { startServer, report, json, POLR, type TestServer } from './helpers.ts';

let s: TestServer;
before(async () => { s = await startServer({ maxBodyBytes: 64 * 1024 }); });
after(async () => { await s.close(); });

function assertStatus(body: string, code: number, reason: string): Record<string, unknown> {
  const st = json(body);
  assert.equal(st['kind'], 'Status');
  assert.equal(st['apiVersion'], 'v1');
  assert.equal(st['status'], 'Failure');
  assert.equal(st['code'], code);
  assert.equal(st['reason'], reason);
  assert.equal(typeof st['message'], 'string');
  return st;
}

test('unknown paths, groups, versions and resources are 404 Status', async () => {
  for (const url of ['/nope', '/apis/nope.io/v1/things', '/apis/wgpolicyk8s.io/v9/namespaces/default/policyreports',
    '/apis/wgpolicyk8s.io/v1alpha2/namespaces/default/widgets', '/apis/nope.io', '/apis/wgpolicyk8s.io/v9']) {
    const res = await s.app.inject({ url });
    assert.equal(res.statusCode, 404, url);
    assertStatus(res.body, 404, 'NotFound');
  }
});

test('unsupported methods are 405 Status', async () => {
  const post = await s.app.inject({ method: 'POST', url: `${POLR}/x`, payload: report('x') });
  assert.equal(post.statusCode, 405);
  assertStatus(post.body, 405, 'MethodNotAllowed');
  const put = await s.app.inject({ method: 'PUT', url: POLR, payload: report('x') });
  assert.equal(put.statusCode, 405);
  const allNsCreate = await s.app.inject({ method: 'POST', url: '/apis/wgpolicyk8s.io/v1alpha2/policyreports', payload: report('x') });
  assert.equal(allNsCreate.statusCode, 405);
});

test('malformed JSON is 400 naming line and column; nothing written', async () => {
  const res = await s.app.inject({ method: 'POST', url: POLR, payload: '{\n  "apiVersion": "wgpolicyk8s.io/v1alpha2",\n  "kind": }',
    headers: { 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 400);
  const st = assertStatus(res.body, 400, 'BadRequest');
  assert.match(st['message'] as string, /line 3, column 11/);
  const list = json((await s.app.inject({ url: POLR })).body);
  assert.deepEqual(list['items'], []);
});

test('malformed YAML is 400 naming the line', async () => {
  const res = await s.app.inject({ method: 'POST', url: POLR, payload: 'apiVersion: x\nkind: [unclosed\n', headers: { 'content-type': 'application/yaml' } });
  assert.equal(res.statusCode, 400);
  assert.match(assertStatus(res.body, 400, 'BadRequest')['message'] as string, /YAML \(line \d+, column \d+\)/);
});

test('an oversized body is 413 RequestEntityTooLarge and nothing is written', async () => {
  const big = report('big');
  big['results'] = Array.from({ length: 2000 }, (_, i) => ({ policy: `p${i}`, result: 'pass', message: 'x'.repeat(40) }));
  const res = await s.app.inject({ method: 'POST', url: POLR, payload: big });
  assert.equal(res.statusCode, 413);
  assertStatus(res.body, 413, 'RequestEntityTooLarge');
  assert.equal((await s.app.inject({ url: `${POLR}/big` })).statusCode, 404);
});

test('unsupported body media type is 415; strategic merge patch is 415', async () => {
  const res = await s.app.inject({ method: 'POST', url: POLR, payload: '<xml/>', headers: { 'content-type': 'application/xml' } });
  assert.equal(res.statusCode, 415);
  assertStatus(res.body, 415, 'UnsupportedMediaType');
  const smp = await s.app.inject({ method: 'PATCH', url: `${POLR}/x`, payload: '{}', headers: { 'content-type': 'application/strategic-merge-patch+json' } });
  assert.equal(smp.statusCode, 415);
});

test('bad query parameters are 400', async () => {
  for (const q of ['limit=-1', 'labelSelector=a%3D%3D%3Db%21', 'fieldSelector=spec.nope%3Dx', 'dryRun=Some', 'resourceVersionMatch=Maybe']) {
    const res = await s.app.inject({ url: `${POLR}?${q}`, method: q.startsWith('dryRun') ? 'POST' : 'GET', payload: q.startsWith('dryRun') ? report('q') : undefined });
    assert.equal(res.statusCode, 400, `${q}: ${res.body}`);
    assertStatus(res.body, 400, 'BadRequest');
  }
});

test('an unexpected store failure is a generic 500 Status and the server keeps serving', async () => {
  // The store is a dependency: hand the server one whose reads fail unexpectedly.
  const store = await openStore('sqlite::memory:', {});
  const failing = Object.create(store, { get: { value: async () => { throw new Error('disk on fire: secret detail'); } } }) as ReportStore;
  const g = await startServer({ store: failing });
  try {
    const res = await g.app.inject({ url: `${POLR}/any` });
    assert.equal(res.statusCode, 500);
    const st = assertStatus(res.body, 500, 'InternalError');
    assert.doesNotMatch(st['message'] as string, /disk on fire/);
    assert.equal((await g.app.inject({ url: POLR })).statusCode, 200);
  } finally {
    await g.close();
  }
});

test('a chunked upload over the limit is cut off with 413 while streaming', async () => {
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (s.app.server.address() as AddressInfo).port;
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: POLR, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    // No Content-Length: the server only learns the size by counting; send 4x the limit in chunks.
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < 16) {
        sent++;
        if (!req.write(chunk)) { req.once('drain', pump); return; }
      }
      req.end();
    };
    pump();
  });
  assert.equal(status, 413);
});

test('absurdly deep nesting is a 400, not a stack overflow', async () => {
  const deep = '{"n":['.repeat(3000) + '"bottom"' + ']}'.repeat(3000);
  const body = `{"apiVersion":"wgpolicyk8s.io/v1alpha2","kind":"PolicyReport","metadata":{"name":"deep"},"results":[{"policy":"p","properties":{"x":${deep}}}]}`;
  const res = await s.app.inject({ method: 'POST', url: POLR, payload: body, headers: { 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 400, res.body);
  assert.match(assertStatus(res.body, 400, 'BadRequest')['message'] as string, /nests deeper/);
});

test('a list at a compacted resourceVersion is 410 Expired', async () => {
  const g = await startServer({ store: await openStore('sqlite::memory:', { historyRetentionMs: 0 }) });
  try {
    for (const n of ['a', 'b']) {
      const r = await g.app.inject({ method: 'POST', url: POLR, payload: report(n) });
      assert.equal(r.statusCode, 201);
    }
    await g.app.inject({ method: 'DELETE', url: `${POLR}/a` });
    await g.store.compact();
    const res = await g.app.inject({ url: `${POLR}?resourceVersion=1&resourceVersionMatch=Exact` });
    assert.equal(res.statusCode, 410, res.body);
    assertStatus(res.body, 410, 'Expired');
  } finally {
    await g.close();
  }
});

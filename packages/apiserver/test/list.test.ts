import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, report, json, create, POLR, type TestServer } from './helpers.ts';

let s: TestServer;
before(async () => {
  s = await startServer();
  for (let i = 0; i < 7; i++) await create(s.app, report(`r${i}`, { labels: { team: i % 2 ? 'odd' : 'even' } }));
  await create(s.app, report('other', { namespace: 'other' }), '/apis/wgpolicyk8s.io/v1alpha2/namespaces/other/policyreports');
});
after(async () => { await s.close(); });

type Item = { metadata: { name: string; namespace?: string }; results?: unknown[] };
const names = (list: Record<string, unknown>) => (list['items'] as Item[]).map((i) => i.metadata.name);

test('list is a PolicyReportList in the request version with a resourceVersion', async () => {
  const res = await s.app.inject({ url: POLR });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /application\/json/);
  const list = json(res.body);
  assert.equal(list['apiVersion'], 'wgpolicyk8s.io/v1alpha2');
  assert.equal(list['kind'], 'PolicyReportList');
  assert.ok((list['metadata'] as Record<string, string>)['resourceVersion']);
  assert.deepEqual(names(list), ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
  assert.equal((list['items'] as Item[])[0]!.results?.length, 2);
});

test('list across all namespaces', async () => {
  const list = json((await s.app.inject({ url: '/apis/wgpolicyk8s.io/v1alpha2/policyreports' })).body);
  assert.equal(names(list).length, 8);
  assert.ok((list['items'] as Item[]).some((i) => i.metadata.namespace === 'other'));
});

test('pagination with limit/continue walks every item once', async () => {
  const seen: string[] = [];
  let cont: string | undefined;
  let pages = 0;
  do {
    const res = await s.app.inject({ url: `${POLR}?limit=3${cont ? `&continue=${encodeURIComponent(cont)}` : ''}` });
    assert.equal(res.statusCode, 200, res.body);
    const list = json(res.body);
    const meta = list['metadata'] as Record<string, unknown>;
    seen.push(...names(list));
    cont = meta['continue'] as string | undefined;
    if (cont) assert.equal(typeof meta['remainingItemCount'], 'number');
    pages++;
  } while (cont && pages < 10);
  assert.equal(pages, 3);
  assert.deepEqual(seen, ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
});

test('label and field selectors filter', async () => {
  const odd = json((await s.app.inject({ url: `${POLR}?labelSelector=${encodeURIComponent('team=odd')}` })).body);
  assert.deepEqual(names(odd), ['r1', 'r3', 'r5']);
  const byName = json((await s.app.inject({ url: `${POLR}?fieldSelector=${encodeURIComponent('metadata.name=r4')}` })).body);
  assert.deepEqual(names(byName), ['r4']);
});

test('Accept as=Table gives a meta.k8s.io/v1 Table with the printer columns and summary cells', async () => {
  const res = await s.app.inject({ url: `${POLR}?limit=500`,
    headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' } });
  assert.equal(res.statusCode, 200);
  const t = json(res.body);
  assert.equal(t['kind'], 'Table');
  assert.equal(t['apiVersion'], 'meta.k8s.io/v1');
  const cols = (t['columnDefinitions'] as Array<{ name: string }>).map((c) => c.name);
  for (const c of ['Name', 'Pass', 'Fail', 'Warn', 'Error', 'Skip', 'Age']) assert.ok(cols.includes(c), c);
  const rows = t['rows'] as Array<{ cells: unknown[]; object: { kind: string; metadata: { name: string } } }>;
  assert.equal(rows.length, 7);
  const passIdx = cols.indexOf('Pass');
  const failIdx = cols.indexOf('Fail');
  assert.equal(rows[0]!.cells[passIdx], 1);
  assert.equal(rows[0]!.cells[failIdx], 1);
  assert.equal(rows[0]!.object.kind, 'PartialObjectMetadata');
  assert.equal(rows[0]!.object.metadata.name, 'r0');
});

test('Table includeObject=None and Object', async () => {
  const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io';
  const none = json((await s.app.inject({ url: `${POLR}?includeObject=None`, headers: { accept } })).body);
  assert.equal((none['rows'] as Array<Record<string, unknown>>)[0]!['object'], undefined);
  const full = json((await s.app.inject({ url: `${POLR}?includeObject=Object`, headers: { accept } })).body);
  const obj = (full['rows'] as Array<{ object: Record<string, unknown> }>)[0]!.object;
  assert.equal(obj['kind'], 'PolicyReport');
  assert.equal((obj['results'] as unknown[]).length, 2);
});

test('a single object as a Table', async () => {
  const t = json((await s.app.inject({ url: `${POLR}/r2`, headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } })).body);
  assert.equal(t['kind'], 'Table');
  assert.equal((t['rows'] as unknown[]).length, 1);
});

test('PartialObjectMetadataList for lists and PartialObjectMetadata for get', async () => {
  const list = json((await s.app.inject({ url: POLR,
    headers: { accept: 'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json' } })).body);
  assert.equal(list['kind'], 'PartialObjectMetadataList');
  assert.equal(list['apiVersion'], 'meta.k8s.io/v1');
  const item = (list['items'] as Array<Record<string, unknown>>)[0]!;
  assert.equal((item['metadata'] as Record<string, unknown>)['name'], 'r0');
  assert.equal(item['results'], undefined);
  const one = json((await s.app.inject({ url: `${POLR}/r1`, headers: { accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' } })).body);
  assert.equal(one['kind'], 'PartialObjectMetadata');
  assert.equal(one['results'], undefined);
  assert.equal((one['metadata'] as Record<string, unknown>)['name'], 'r1');
});

test('unknown alternative representations fall back to the plain JSON object', async () => {
  const res = await s.app.inject({ url: `${POLR}/r1`, headers: { accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json' } });
  assert.equal(json(res.body)['kind'], 'PolicyReport');
  const list = await s.app.inject({ url: POLR, headers: { accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json' } });
  assert.equal(json(list.body)['kind'], 'PolicyReportList');
});

test('YAML lists', async () => {
  const res = await s.app.inject({ url: POLR, headers: { accept: 'application/yaml' } });
  assert.match(res.body, /^kind: PolicyReportList$/m);
});

test('Table Age cells are ages computed with the server clock, as kube renders date columns', async () => {
  const g = await startServer({ clock: () => new Date(Date.now() + 90 * 60 * 1000) });
  try {
    await create(g.app, report('aged'));
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io';
    for (const url of [POLR, `${POLR}/aged`]) {
      const t = json((await g.app.inject({ url, headers: { accept } })).body);
      const cols = (t['columnDefinitions'] as Array<{ name: string }>).map((c) => c.name);
      const row = (t['rows'] as Array<{ cells: unknown[] }>)[0]!;
      assert.match(String(row.cells[cols.indexOf('Age')]), /^(89|90|91)m$/, url);
    }
  } finally {
    await g.close();
  }
});

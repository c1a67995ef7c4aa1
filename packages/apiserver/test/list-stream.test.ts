import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportObject } from '@docket/model';
import type { ListOptions } from '@docket/store';
import { readStepped, LIST_STEP, type SteppedList } from '../src/list-stream.ts';
import { startServer, report, json, create, POLR, type TestServer } from './helpers.ts';

const REF = { group: 'wgpolicyk8s.io', resource: 'policyreports' };
const COUNT = LIST_STEP + 12;
let s: TestServer;

const pad = (i: number): string => `r${String(i).padStart(3, '0')}`;

before(async () => {
  s = await startServer();
  for (let i = 0; i < COUNT; i++) await create(s.app, report(pad(i), { labels: { team: i % 3 === 0 ? 'a' : 'b' } }));
});
after(async () => { await s.close(); });

async function drain(list: SteppedList): Promise<{ names: string[]; batches: number }> {
  const names: string[] = [];
  let batches = 0;
  for await (const b of list.batches) {
    batches++;
    names.push(...b.map((o: ReportObject) => o.metadata.name!));
  }
  return { names, batches };
}

/** What one store call returns for the same options: the stepped read must be indistinguishable. */
async function assertSameAsOneCall(opts: ListOptions, step: number): Promise<void> {
  const one = await s.store.list(REF, opts);
  const stepped = await readStepped(s.store, REF, opts, step);
  const { names, batches } = await drain(stepped);
  assert.deepEqual(names, one.items.map((o) => o.metadata.name));
  assert.ok(batches >= Math.ceil(names.length / step), `read in steps of ${step}`);
  const tail = stepped.tail();
  assert.equal(tail.resourceVersion, one.resourceVersion);
  assert.equal(tail.continue, one.continue);
  assert.equal(tail.remainingItemCount, one.remainingItemCount);
}

test('a stepped page equals one store call: items, continue token and remainingItemCount', async () => {
  await assertSameAsOneCall({ limit: 10 }, 3);
  await assertSameAsOneCall({ limit: 9 }, 3);
  await assertSameAsOneCall({ limit: COUNT + 5 }, 7);
});

test('an unlimited list is read to the end in steps, without continue', async () => {
  await assertSameAsOneCall({}, 8);
  const { names, batches } = await drain(await readStepped(s.store, REF, {}, 8));
  assert.equal(names.length, COUNT);
  assert.equal(batches, Math.ceil(COUNT / 8));
});

test('steps chain from a client continue token and keep selectors', async () => {
  const first = await s.store.list(REF, { limit: 5 });
  await assertSameAsOneCall({ limit: 11, continue: first.continue! }, 4);
  const sel: ListOptions = { labels: [{ key: 'team', op: 'in', values: ['a'] }] };
  await assertSameAsOneCall({ ...sel, limit: 6 }, 4);
  await assertSameAsOneCall(sel, 4);
});

test('every step reads the first step\'s snapshot: later writes do not show up', async () => {
  const stepped = await readStepped(s.store, REF, { limit: 12 }, 4);
  const it = stepped.batches[Symbol.asyncIterator]();
  const firstBatch = await it.next();
  // r0005x sorts inside the page being read; it was created after the page's snapshot.
  await create(s.app, report('r005x'));
  try {
    const names = (firstBatch.value as ReportObject[]).map((o) => o.metadata.name);
    for (let r = await it.next(); !r.done; r = await it.next()) names.push(...r.value.map((o) => o.metadata.name));
    assert.equal(names.length, 12);
    assert.ok(!names.includes('r005x'), names.join(','));
  } finally {
    await s.app.inject({ method: 'DELETE', url: `${POLR}/r005x` });
  }
});

test('HTTP list pages spanning several store steps are complete and carry their metadata', async () => {
  const limit = LIST_STEP + 5;
  const res = await s.app.inject({ url: `${POLR}?limit=${limit}` });
  assert.equal(res.statusCode, 200);
  const page = json(res.body);
  const items = page['items'] as Array<{ metadata: { name: string }; results: unknown[] }>;
  assert.equal(items.length, limit);
  assert.equal(items[limit - 1]!.metadata.name, pad(limit - 1));
  assert.equal(items[0]!.results.length, 2);
  const meta = page['metadata'] as Record<string, unknown>;
  assert.equal(meta['remainingItemCount'], COUNT - limit);
  const rest = json((await s.app.inject({ url: `${POLR}?limit=${limit}&continue=${encodeURIComponent(meta['continue'] as string)}` })).body);
  assert.deepEqual((rest['items'] as typeof items).map((i) => i.metadata.name), Array.from({ length: COUNT - limit }, (_, i) => pad(limit + i)));
  assert.equal((rest['metadata'] as Record<string, unknown>)['continue'], undefined);

  const all = json((await s.app.inject({ url: POLR })).body);
  assert.equal((all['items'] as unknown[]).length, COUNT);
  assert.equal((all['metadata'] as Record<string, unknown>)['continue'], undefined);
  const table = json((await s.app.inject({ url: `${POLR}?limit=${limit}`, headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } })).body);
  assert.equal((table['rows'] as unknown[]).length, limit);
  assert.equal(typeof (table['metadata'] as Record<string, unknown>)['continue'], 'string');
});

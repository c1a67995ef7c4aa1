import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDeliveryStore, openStore, type DeliveryStore, type ReportStore } from '@docket/store';
import { compileTargets, cursorName, runFeed, type FeedOptions, type PipelineTargetSpec } from '../src/pipeline/index.ts';
import { allDeliveries, deleteReport, policiesOf, putReport, waitFor } from './pipeline-support.ts';

const TARGETS: PipelineTargetSpec[] = [
  { name: 'all', skipExistingOnStartup: false },
  { name: 'skip', skipExistingOnStartup: true },
  { name: 'high', filter: { minimumSeverity: 'high' }, skipExistingOnStartup: false },
  { name: 'am', resolvesFixed: true, skipExistingOnStartup: true },
];
const POLR = { group: 'wgpolicyk8s.io', resource: 'policyreports' };

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'docket-feed-'));
  const url = `sqlite:${join(dir, 'docket.db')}`;
  const store = await openStore(url);
  const outbox = await openDeliveryStore(url);
  t.after(async () => { await outbox.close(); await store.close(); await rm(dir, { recursive: true, force: true }); });
  return { store, outbox };
}

function start(store: ReportStore, outbox: DeliveryStore, extra: Partial<FeedOptions> = {}) {
  const ac = new AbortController();
  let woken = 0;
  const done = runFeed({
    name: 'default', store, outbox, targets: compileTargets(TARGETS), resources: [POLR],
    onEnqueued: (n) => { woken += n; }, retryDelayMs: 50, ...extra,
  }, ac.signal);
  return { stop: async () => { ac.abort(); await done; }, woken: () => woken };
}

test('first start, updates, restart from the cursor, flap window and fixed', async (t) => {
  const { store, outbox } = await setup(t);
  await putReport(store, 'team-a', 'r1', [{ policy: 'p1', severity: 'high' }, { policy: 'p2', severity: 'low' }, { policy: 'ok', result: 'pass' }]);

  let feed = start(store, outbox);
  const cursor = cursorName('default', POLR);
  await waitFor('initial cursor', async () => (await outbox.readCursor(cursor)) !== undefined);
  // Pre-existing results go only to targets without skipExistingOnStartup; pass is never notified.
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'all')), ['p1', 'p2']);
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'skip')), []);
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'high')), ['p1']);

  await putReport(store, 'team-a', 'r1', [{ policy: 'p1', severity: 'high' }, { policy: 'p2', severity: 'low' }, { policy: 'p3', severity: 'critical' }]);
  await waitFor('p3', async () => (await allDeliveries(outbox, 'skip')).length === 1);
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'all')), ['p1', 'p2', 'p3']);
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'high')), ['p1', 'p3']);
  assert.ok(feed.woken() >= 6);
  await feed.stop();

  // While stopped: p4 appears and p2 is fixed. The restart rebuilds from the cursor and resumes.
  const written = await putReport(store, 'team-a', 'r1', [{ policy: 'p1', severity: 'high' }, { policy: 'p3', severity: 'critical' }, { policy: 'p4' }]);
  feed = start(store, outbox);
  await waitFor('cursor after restart', async () => (await outbox.readCursor(cursor)) === written.metadata.resourceVersion);
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'all')), ['p1', 'p2', 'p3', 'p4']);
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'skip')), ['p3', 'p4']);
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'am')), ['p2(fixed)', 'p3', 'p4']);

  // p4 leaves and comes back within the flap window: not new again.
  await putReport(store, 'team-a', 'r1', [{ policy: 'p1', severity: 'high' }, { policy: 'p3', severity: 'critical' }]);
  const back = await putReport(store, 'team-a', 'r1', [{ policy: 'p1', severity: 'high' }, { policy: 'p3', severity: 'critical' }, { policy: 'p4' }]);
  await waitFor('cursor after flap', async () => (await outbox.readCursor(cursor)) === back.metadata.resourceVersion);
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'all')), ['p1', 'p2', 'p3', 'p4']);
  // The resolving target saw p4 fixed, then firing again.
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'am')), ['p2(fixed)', 'p3', 'p4', 'p4', 'p4(fixed)']);

  // Deleting the report fixes everything for the resolving target only.
  await deleteReport(store, 'team-a', 'r1');
  await waitFor('fixed on delete', async () => (await allDeliveries(outbox, 'am')).length === 8);
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'am')), ['p1(fixed)', 'p2(fixed)', 'p3', 'p3(fixed)', 'p4', 'p4', 'p4(fixed)', 'p4(fixed)']);
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'all')), ['p1', 'p2', 'p3', 'p4']);
  await feed.stop();
});

test('a restarted feed re-enqueues nothing and two feeds on one outbox insert each result once', async (t) => {
  const { store, outbox } = await setup(t);
  await putReport(store, 'ns', 'r', [{ policy: 'a' }]);
  const one = start(store, outbox);
  const two = start(store, outbox);
  await waitFor('a', async () => (await allDeliveries(outbox, 'all')).length === 1);
  for (let i = 0; i < 20; i++) await putReport(store, 'ns', `r${i}`, [{ policy: `x${i}` }]);
  const last = await putReport(store, 'ns', 'r', [{ policy: 'a' }, { policy: 'b' }]);
  await waitFor('both cursors', async () => (await outbox.readCursor(cursorName('default', POLR))) === last.metadata.resourceVersion);
  await one.stop();
  await two.stop();
  const rows = await allDeliveries(outbox, 'all');
  assert.equal(rows.length, 22);
  assert.equal(new Set(rows.map((r) => r.key)).size, 22);
});

test('a cursor compacted while stopped: the current state is diffed as new, unchanged reports are not repeated', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'docket-feed-gone-'));
  const url = `sqlite:${join(dir, 'docket.db')}`;
  const store = await openStore(url, { historyRetentionMs: 1 });
  const outbox = await openDeliveryStore(url);
  t.after(async () => { await outbox.close(); await store.close(); await rm(dir, { recursive: true, force: true }); });
  let feed = start(store, outbox);
  await putReport(store, 'ns', 'a', [{ policy: 'pa' }]);
  await waitFor('pa', async () => (await allDeliveries(outbox, 'skip')).length === 1);
  await feed.stop();

  await putReport(store, 'ns', 'c', [{ policy: 'pc' }]); // written while the reporter is down
  await new Promise((r) => setTimeout(r, 10));
  await putReport(store, 'ns', 'd', [{ policy: 'pd' }]);
  await new Promise((r) => setTimeout(r, 10));
  await store.compact(); // the cursor's history is gone: an Exact list there answers 410
  const warnings: string[] = [];
  feed = start(store, outbox, { logger: { debug() {}, info() {}, error() {}, warn: (_o, msg) => warnings.push(msg ?? '') } });
  await waitFor('pc and pd', async () => (await allDeliveries(outbox, 'skip')).length === 3);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'skip')), ['pa', 'pc', 'pd']);
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'all')), ['pa', 'pc', 'pd']);
  assert.ok(warnings.some((w) => /compacted/.test(w)), `the fallback was taken: ${warnings.join(' | ')}`);
  await feed.stop();
});

test('the report filter keeps reports of other namespaces out of detection', async (t) => {
  const { store, outbox } = await setup(t);
  const { compileReportFilter } = await import('../src/pipeline/index.ts');
  const feed = start(store, outbox, { reportFilter: compileReportFilter({ namespaces: { exclude: ['kube-*'] } }) });
  await waitFor('cursor', async () => (await outbox.readCursor(cursorName('default', POLR))) !== undefined);
  await putReport(store, 'kube-system', 'k', [{ policy: 'pk' }]);
  const last = await putReport(store, 'team', 't', [{ policy: 'pt' }]);
  await waitFor('cursor at the last write', async () => (await outbox.readCursor(cursorName('default', POLR))) === last.metadata.resourceVersion);
  assert.deepEqual(policiesOf(await allDeliveries(outbox, 'all')), ['pt']);
  await feed.stop();
});

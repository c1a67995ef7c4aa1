import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startDocket, type DocketServer } from '../../../test/support/docket.ts';
import { createReportClient, kubeConfigForServer, watchReports, type ReportEvent, type WatchState } from '../src/index.ts';
import { startProxy, type TestProxy } from './support/proxy.ts';
import { startInProcessDocket, type InProcessDocket } from './support/inprocess-docket.ts';
import { polr, polrRef, POLR } from './support/reports.ts';
import { waitFor } from './support/wait.ts';

const summary = (evs: ReportEvent[]) => evs.map((e) => `${e.type} ${e.object.metadata.name}${e.synthetic ? ' (synthetic)' : ''}`);
const watchRequests = (p: TestProxy) => p.requests.filter((r) => r.url.includes('watch=true'));
const listRequests = (p: TestProxy) => p.requests.filter((r) => r.url.includes('/policyreports') && !r.url.includes('watch=true'));

function startWatch(url: string, namespace?: string, extra: { labelSelector?: string; stallTimeoutMs?: number } = {}) {
  const events: ReportEvent[] = [];
  const states: { state: WatchState; detail?: string }[] = [];
  const ac = new AbortController();
  const done = watchReports({
    kc: kubeConfigForServer(url), ...POLR, namespace, signal: ac.signal,
    onEvent: (e) => events.push(e), onState: (state, detail) => states.push({ state, detail }),
    backoff: { initialMs: 20, maxMs: 100 }, ...extra,
  });
  return { events, states, stop: async () => { ac.abort(); await done; } };
}

describe('watchReports against docket serve', () => {
  let docket: DocketServer;
  let proxy: TestProxy;
  before(async () => {
    docket = await startDocket(['--listen', '127.0.0.1:0', '--store', 'sqlite::memory:', '--log-level', 'warn']);
    proxy = await startProxy(docket.url);
  });
  after(async () => {
    await proxy?.close();
    await docket?.stop();
  });

  it('lists, then streams ADDED/MODIFIED/DELETED, and resumes from the last resourceVersion after a cut', async () => {
    const direct = createReportClient(kubeConfigForServer(docket.url));
    await direct.create(polrRef('team-a', 'pre'), polr('team-a', 'pre', ['p1']));
    const w = startWatch(proxy.url, 'team-a');
    try {
      await waitFor('initial ADDED', () => w.events.length === 1);
      await waitFor('watch open', () => watchRequests(proxy).length === 1 && proxy.openStreams() === 1);
      const a = await direct.create(polrRef('team-a', 'a'), polr('team-a', 'a', ['p1']));
      await waitFor('ADDED a', () => w.events.length === 2);
      await direct.replace(polrRef('team-a', 'a'), { ...a, results: [] });
      await direct.create(polrRef('team-b', 'other'), polr('team-b', 'other')); // another namespace: not ours
      await direct.delete(polrRef('team-a', 'pre'));
      await waitFor('MODIFIED a, DELETED pre', () => w.events.length === 4);
      assert.deepEqual(summary(w.events), ['ADDED pre', 'ADDED a', 'MODIFIED a', 'DELETED pre']);
      const lastRv = w.events.at(-1)!.object.metadata.resourceVersion;

      assert.equal(proxy.cutStreams(), 1, 'one open watch stream to cut');
      await direct.create(polrRef('team-a', 'during-gap'), polr('team-a', 'during-gap'));
      await waitFor('ADDED during-gap after resume', () => w.events.length === 5);
      assert.deepEqual(summary(w.events).slice(4), ['ADDED during-gap'], 'a real watch event, not a relist');
      assert.equal(listRequests(proxy).length, 1, 'resumed without relisting');
      const resumed = new URL(watchRequests(proxy)[1]!.url, proxy.url);
      assert.equal(resumed.searchParams.get('resourceVersion'), lastRv);
      assert.equal(resumed.searchParams.get('allowWatchBookmarks'), 'true');
    } finally {
      await w.stop();
    }
    assert.equal(w.states.at(-1)?.state, 'stopped');
  });

  it('filters by label selector and restarts a silent (half-open) watch from its resourceVersion', async () => {
    const direct = createReportClient(kubeConfigForServer(docket.url));
    const labelled = (name: string) => ({ ...polr('team-c', name), metadata: { name, namespace: 'team-c', labels: { app: 'x' } } });
    await direct.create(polrRef('team-c', 'l1'), labelled('l1'));
    await direct.create(polrRef('team-c', 'plain'), polr('team-c', 'plain'));
    const before = proxy.requests.length;
    const w = startWatch(proxy.url, 'team-c', { labelSelector: 'app=x', stallTimeoutMs: 300 });
    try {
      await waitFor('initial list', () => w.events.length === 1 && w.states.at(-1)?.state === 'watching');
      await waitFor('watch open', () => proxy.openStreams() === 1);
      assert.ok(proxy.freezeStreams() >= 1);
      await direct.create(polrRef('team-c', 'l2'), labelled('l2'));
      await direct.create(polrRef('team-c', 'plain2'), polr('team-c', 'plain2'));
      await waitFor('l2 after the stalled watch was replaced', () => w.events.length === 2, 3000);
      assert.deepEqual(summary(w.events), ['ADDED l1', 'ADDED l2']);
      assert.ok(w.states.some((s) => s.state === 'backoff' && /stalled/.test(s.detail ?? '')), 'the stall is reported');
      const mine = proxy.requests.slice(before).filter((r) => r.url.includes('/namespaces/team-c/'));
      assert.equal(mine.filter((r) => !r.url.includes('watch=true')).length, 1, 'no relist');
      const [first, resumed] = mine.filter((r) => r.url.includes('watch=true')).map((r) => new URL(r.url, proxy.url));
      // Nothing arrived on the frozen stream, so the restart asks again from the list's resourceVersion.
      assert.equal(resumed!.searchParams.get('resourceVersion'), first!.searchParams.get('resourceVersion'));
      assert.ok(Number(first!.searchParams.get('resourceVersion')) >= Number(w.events[0]!.object.metadata.resourceVersion));
      assert.equal(resumed!.searchParams.get('labelSelector'), 'app=x');
    } finally {
      await w.stop();
    }
  });
});

describe('watchReports relists on 410 Gone', () => {
  let docket: InProcessDocket;
  let proxy: TestProxy;
  before(async () => {
    docket = await startInProcessDocket(1);
    proxy = await startProxy(docket.url);
  });
  after(async () => {
    await proxy?.close();
    await docket?.close();
  });

  it('emits only what changed during the gap, with synthetic DELETED for objects that vanished', async () => {
    const direct = createReportClient(kubeConfigForServer(docket.url));
    const x = await direct.create(polrRef('ns', 'x'), polr('ns', 'x', ['p1']));
    await direct.create(polrRef('ns', 'y'), polr('ns', 'y'));
    await direct.create(polrRef('ns', 'z'), polr('ns', 'z'));
    const w = startWatch(proxy.url);
    try {
      await waitFor('initial list', () => w.events.length === 3 && w.states.at(-1)?.state === 'watching');
      await waitFor('watch open', () => watchRequests(proxy).length === 1 && proxy.openStreams() === 1);
      const gapStart = w.events.length;
      proxy.blocked = true;
      proxy.cutStreams();
      await direct.replace(polrRef('ns', 'x'), { ...x, results: [] });
      await direct.delete(polrRef('ns', 'y'));
      await direct.create(polrRef('ns', 'w'), polr('ns', 'w'));
      await new Promise((r) => setTimeout(r, 20));
      await docket.store.compact();
      await waitFor('a few refused reconnects', () => w.states.filter((s) => s.state === 'backoff').length >= 2);
      proxy.blocked = false;
      await waitFor('relist events', () => w.events.length === gapStart + 3);
      assert.deepEqual(summary(w.events.slice(gapStart)).sort(), ['ADDED w (synthetic)', 'DELETED y (synthetic)', 'MODIFIED x (synthetic)']);
      const deleted = w.events.find((e) => e.type === 'DELETED')!;
      assert.equal(deleted.object.kind, 'PolicyReport');
      assert.equal(deleted.object.metadata.namespace, 'ns');
      assert.ok(w.states.some((s) => s.state === 'listing' && /410/.test(s.detail ?? '')), 'the relist says why');
      assert.equal(listRequests(proxy).filter((r) => !r.injected).length, 2, 'one initial list and one relist');
      // After the relist the watch continues live from the new list's resourceVersion.
      await direct.delete(polrRef('ns', 'z'));
      await waitFor('live DELETED z', () => w.events.length === gapStart + 4);
      assert.deepEqual(summary(w.events).at(-1), 'DELETED z');
    } finally {
      await w.stop();
    }
  });
});

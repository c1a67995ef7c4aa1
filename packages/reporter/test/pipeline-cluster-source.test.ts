/**
 * A remote Docket API server (real HTTP, @kubernetes/client-node through `watchReports`) as a
 * cluster source: reports mirrored into the local store, a 410 relist after compaction, and the
 * local change feed turning the mirrored changes into outbox rows exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReportClient, kubeConfigForServer } from '@docket/kube';
import { openDeliveryStore, openStore } from '@docket/store';
import { startInProcessDocket } from '../../kube/test/support/inprocess-docket.ts';
import { startProxy } from '../../kube/test/support/proxy.ts';
import { polr, polrRef } from '../../kube/test/support/reports.ts';
import { compileTargets, runClusterSource, runFeed, noopPipelineMetrics, type PipelineMetrics } from '../src/pipeline/index.ts';
import { allDeliveries, policiesOf, waitFor } from './pipeline-support.ts';

test('cluster source: mirror, namespace filter, 410 relist, one notification per new result', async (t) => {
  const remote = await startInProcessDocket(1);
  const proxy = await startProxy(remote.url);
  const dir = await mkdtemp(join(tmpdir(), 'docket-src-'));
  const url = `sqlite:${join(dir, 'local.db')}`;
  const local = await openStore(url, { clusterId: 'remote' });
  const outbox = await openDeliveryStore(url, { clusterId: 'remote' });
  const ac = new AbortController();
  t.after(async () => {
    ac.abort();
    await outbox.close(); await local.close(); await proxy.close(); await remote.close();
    await rm(dir, { recursive: true, force: true });
  });

  const direct = createReportClient(kubeConfigForServer(remote.url));
  const x = await direct.create(polrRef('ns', 'x'), polr('ns', 'x', ['p1']));
  await direct.create(polrRef('ns', 'y'), polr('ns', 'y', ['py']));
  await direct.create(polrRef('kube-system', 'k'), polr('kube-system', 'k', ['pk']));

  const restarts: string[] = [];
  const metrics: PipelineMetrics = { ...noopPipelineMetrics, watchRestart: (source, reason) => restarts.push(`${source}:${reason}`) };
  const POLR = { group: 'wgpolicyk8s.io', resource: 'policyreports' };
  const source = runClusterSource({
    name: 'remote', kc: kubeConfigForServer(proxy.url), store: local, signal: ac.signal, metrics,
    resources: [{ group: 'wgpolicyk8s.io', version: 'v1alpha2', plural: 'policyreports' }],
    namespaces: { exclude: ['kube-*'] },
  });
  const feed = runFeed({
    name: 'remote', store: local, outbox, resources: [POLR],
    targets: compileTargets([{ name: 'hook', skipExistingOnStartup: false }]), retryDelayMs: 50,
  }, ac.signal);

  const names = async () => (await local.list(POLR)).items.map((r) => r.metadata.name).sort();
  await waitFor('initial mirror', async () => (await names()).join() === 'x,y');
  await waitFor('initial notifications', async () => (await allDeliveries(outbox)).length === 2);
  const mirrored = (await local.list(POLR)).items[0]!;
  assert.equal(mirrored.apiVersion, 'wgpolicyk8s.io/v1beta1', 'stored in the hub version');

  // Cut the watch, change things while it cannot reconnect, compact: the resume gets 410 Gone.
  await waitFor('watch open', () => proxy.openStreams() === 1);
  proxy.blocked = true;
  proxy.cutStreams();
  await direct.replace(polrRef('ns', 'x'), { ...x, results: [...(x.results ?? []), { policy: 'p2', result: 'fail', source: 'test' }] });
  await direct.delete(polrRef('ns', 'y'));
  await direct.create(polrRef('ns', 'w'), polr('ns', 'w', ['p3']));
  await new Promise((r) => setTimeout(r, 20));
  await remote.store.compact();
  await new Promise((r) => setTimeout(r, 300));
  proxy.blocked = false;

  await waitFor('mirror after relist', async () => (await names()).join() === 'w,x');
  await waitFor('new results', async () => (await allDeliveries(outbox)).length === 4);
  assert.deepEqual(policiesOf(await allDeliveries(outbox)), ['p1', 'p2', 'p3', 'py']);
  assert.ok(restarts.includes('remote/policyreports.wgpolicyk8s.io:gone'), `a 410 relist was counted: ${restarts.join(', ')}`);

  // Live again: one more change arrives once.
  await direct.create(polrRef('ns', 'v'), polr('ns', 'v', ['p4']));
  await waitFor('live change', async () => (await allDeliveries(outbox)).length === 5);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(policiesOf(await allDeliveries(outbox)), ['p1', 'p2', 'p3', 'p4', 'py']);
  ac.abort();
  await Promise.all([source, feed]);
});

/**
 * Leader election end to end: two real `docket publish` processes compete for a Lease on the
 * coordination.k8s.io test double (`cluster`); only the leader runs its producers. SIGTERM on the
 * leader flushes its results into a real `docket serve`, releases the Lease, and the standby takes over.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDocket, type DocketServer } from '../support/docket.ts';
import { createKubectl } from '../support/kubectl.ts';
import { startLeaseServer, type LeaseServer } from '../../packages/kube/test/support/lease-server.ts';
import { metric, readMetrics, startPublisher, waitFor, writeConfig, type Publisher } from './publish-support.ts';

const config = (docket: string, leases: string, identity: string) => writeConfig({
  sink: { server: docket },
  cluster: { server: leases },
  writer: { flushInterval: '1h', ownerReferences: false },
  metrics: { listen: '127.0.0.1:0' },
  leaderElection: { enabled: true, namespace: 'docket', identity, leaseDuration: '4s', renewDeadline: '3s', retryPeriod: '300ms' },
  producers: { falco: { port: 0 } },
});

const readyz = async (p: Publisher) => {
  const res = await fetch(`${p.metricsUrl}/readyz`);
  return { status: res.status, body: (await res.json()) as { leader: boolean } };
};

describe('docket publish with leader election', () => {
  let docket: DocketServer;
  let leases: LeaseServer;
  before(async () => {
    docket = await startDocket(['--listen', '127.0.0.1:0', '--store', 'sqlite::memory:', '--log-level', 'warn']);
    leases = await startLeaseServer();
  });
  after(async () => {
    await leases?.close();
    await docket?.stop();
  });

  it('runs producers only on the Lease holder; SIGTERM flushes, releases, and the standby takes over', { timeout: 60_000 }, async () => {
    const a = await startPublisher(config(docket.url, leases.url, 'replica-a'));
    let b: Publisher | undefined;
    try {
      await waitFor('replica-a leads', async () => (await readyz(a)).body.leader || undefined);
      b = await startPublisher(config(docket.url, leases.url, 'replica-b'));
      const falcoPort = await a.falcoPort();
      await new Promise((r) => setTimeout(r, 1000)); // several retry periods: b must stay a standby
      const standby = await readyz(b);
      assert.deepEqual([standby.status, standby.body.leader], [200, false]);
      assert.equal(metric(await readMetrics(a.metricsUrl), 'leader', {}), 1);
      assert.equal(metric(await readMetrics(b.metricsUrl), 'leader', {}), 0);
      assert.doesNotMatch(b.stderr(), /falco endpoint listening/, 'a standby does not run producers');
      assert.equal(leases.leases.get('docket/docket-publisher')?.spec.holderIdentity, 'replica-a');

      const event = { rule: 'Terminal shell in container', priority: 'Warning', time: new Date().toISOString(), output: 'shell', source: 'syscall', output_fields: { 'k8s.ns.name': 'ha', 'k8s.pod.name': 'web' } };
      assert.equal((await fetch(`http://127.0.0.1:${falcoPort}/`, { method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/json' } })).status, 200);
      await waitFor('event mapped on a', async () => metric(await readMetrics(a.metricsUrl), 'results_mapped_total', { adapter: 'falco' }) === 1 || undefined);

      assert.equal((await a.stop('SIGTERM')).code, 0, a.stderr().slice(-2000));
      const kubectl = createKubectl(docket.url);
      const report = JSON.parse(await kubectl.ok(['get', 'policyreports.wgpolicyk8s.io', '-n', 'ha', 'falco-pod-web', '-o', 'json'])) as { results: Array<{ policy: string }> };
      assert.equal(report.results[0]!.policy, 'Terminal shell in container', 'the leader flushed before exiting');
      assert.equal(leases.leases.get('docket/docket-publisher')?.spec.holderIdentity === 'replica-a', false, 'released on shutdown');

      const standbyB = b;
      await waitFor('replica-b takes over', async () => (await readyz(standbyB)).body.leader || undefined, 10_000);
      await b.falcoPort(10_000);
      assert.equal(leases.leases.get('docket/docket-publisher')?.spec.holderIdentity, 'replica-b');
    } finally {
      await a.stop();
      if (b) assert.equal((await b.stop()).code, 0, b.stderr().slice(-2000));
    }
  });
});

/**
 * End to end for the producers that read the cluster: `docket publish` reads Kyverno PolicyViolation
 * Events and trivy-operator reports from a kube-apiserver double (`cluster`) and writes into a real
 * `docket serve` (`sink`); kubectl reads the reports back.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startDocket, type DocketServer } from '../support/docket.ts';
import { createKubectl, type Kubectl } from '../support/kubectl.ts';
import { startEventsServer, type EventsServer } from '../../packages/producers/test/support/events-server.ts';
import { metric, readMetrics, startPublisher, waitFor, writeConfig } from './publish-support.ts';

function blocked(name: string, pod: string, count = 1): Record<string, unknown> {
  const at = new Date(Date.now() + 1000).toISOString();
  return {
    apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default', uid: `uid-${name}` },
    involvedObject: { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', name: 'disallow-latest-tag' },
    reason: 'PolicyViolation', type: 'Warning', count, action: 'Resource Blocked',
    message: `Pod team-a/${pod}: [require-image-tag] fail (blocked); validation error: An image tag is required.`,
    source: { component: 'kyverno-admission' }, reportingComponent: 'kyverno-admission',
    firstTimestamp: at, lastTimestamp: at, related: { apiVersion: 'v1', kind: 'Pod', namespace: 'team-a', name: pod },
  };
}

describe('docket publish: producers that read the cluster', () => {
  let docket: DocketServer;
  let events: EventsServer;
  let kubectl: Kubectl;
  before(async () => {
    docket = await startDocket(['--listen', '127.0.0.1:0', '--store', 'sqlite::memory:', '--log-level', 'warn']);
    events = await startEventsServer();
    kubectl = createKubectl(docket.url);
  });
  after(async () => {
    await events?.close();
    await docket?.stop();
  });

  it('turns blocked admission events into a capped kyverno-blocked report per namespace', { timeout: 60_000 }, async () => {
    const pub = await startPublisher(writeConfig({
      sink: { server: docket.url },
      cluster: { server: events.url },
      writer: { flushInterval: '300ms', overrides: { kyverno: { maxResults: 3 } } },
      metrics: { listen: '127.0.0.1:0' },
      producers: { kyverno: {} },
    }));
    try {
      await waitFor('the event watch', () => events.log.some((l) => l.includes('watch=true')) || undefined);
      for (let i = 1; i <= 5; i++) events.put(blocked(`e${i}`, `pod-${i}`));
      events.put(blocked('e5', 'pod-5', 4)); // kube aggregated three more denials of pod-5
      const report = await waitFor('a capped report', async () => {
        const r = await kubectl.run(['get', 'policyreports.wgpolicyk8s.io', '-n', 'team-a', 'kyverno-blocked', '-o', 'json']);
        if (r.code !== 0) return undefined;
        const obj = JSON.parse(r.stdout) as { results?: Array<{ resources?: Array<{ name: string }>; properties?: Record<string, string>; source?: string }>; summary?: Record<string, number> };
        const pod5 = obj.results?.find((x) => x.resources?.[0]?.name === 'pod-5');
        return obj.results?.length === 3 && pod5?.properties?.count === '4' ? obj : undefined;
      });
      assert.equal(report.summary?.fail, 3);
      assert.ok(report.results!.every((r) => r.source === 'Kyverno Event'));
      const m = await readMetrics(pub.metricsUrl);
      assert.equal(metric(m, 'results_mapped_total', { adapter: 'kyverno' }), 6);
      assert.ok(metric(m, 'events_dropped_total', { adapter: 'kyverno', reason: 'cap' }) >= 2, 'two results over the cap dropped');
    } finally {
      assert.equal((await pub.stop()).code, 0, pub.stderr().slice(-2000));
    }
  });

  it('maps trivy-operator VulnerabilityReports and ConfigAuditReports from the cluster, owned by the scanned workload', { timeout: 60_000 }, async () => {
    const objects = JSON.parse(readFileSync(new URL('../../packages/producers/test/fixtures/trivy-operator.json', import.meta.url), 'utf8')) as Record<string, unknown>[];
    for (const o of objects) events.put(o);
    const pub = await startPublisher(writeConfig({
      sink: { server: docket.url },
      cluster: { server: events.url },
      writer: { flushInterval: '300ms' },
      metrics: { listen: '127.0.0.1:0' },
      producers: { 'trivy-operator': {} },
    }));
    try {
      type Polr = { metadata: { ownerReferences?: Array<{ kind: string; name: string; uid: string }> }; scope?: { kind: string; name: string }; results?: Array<{ policy: string; result: string; source: string }> };
      const report = await waitFor('the workload report', async () => {
        const r = await kubectl.run(['get', 'policyreports.wgpolicyk8s.io', '-n', 'shop', 'trivy-operator-replicaset-web-7d9c8', '-o', 'json']);
        const obj = r.code === 0 ? JSON.parse(r.stdout) as Polr : undefined;
        return obj?.results?.length === 4 ? obj : undefined;
      });
      assert.deepEqual(report.results!.map((x) => [x.source, x.policy, x.result]).sort(), [
        ['Trivy ConfigAudit', 'Can elevate its own privileges', 'fail'],
        ['Trivy ConfigAudit', 'Default capabilities not dropped', 'pass'],
        ['Trivy Vulnerability', 'CVE-2026-0001', 'fail'],
        ['Trivy Vulnerability', 'CVE-2026-0003', 'skip'],
      ]);
      assert.deepEqual(report.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid]), [['ReplicaSet', 'web-7d9c8', '5b0c2f7e-aaaa-bbbb-cccc-000000000001']]);
      assert.ok(events.log.some((l) => l.startsWith('GET /apis/aquasecurity.github.io/v1alpha1/vulnerabilityreports') && l.includes('watch=true')));
    } finally {
      assert.equal((await pub.stop()).code, 0, pub.stderr().slice(-2000));
    }
  });

  it('makes the Pod and Node a report is about its owner (garbage collection), looked up once in the cluster', { timeout: 60_000 }, async () => {
    events.put({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'gc', uid: 'pod-uid-1' } });
    events.put({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', uid: 'node-uid-a' } });
    const pub = await startPublisher(writeConfig({
      sink: { server: docket.url }, cluster: { server: events.url },
      writer: { flushInterval: '300ms' }, metrics: { listen: '127.0.0.1:0' }, producers: { falco: { port: 0 } },
    }));
    try {
      const port = await pub.falcoPort();
      const post = (fields: Record<string, string>, hostname: string, rule: string) => fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rule, priority: 'Error', time: new Date().toISOString(), output: rule, source: 'syscall', hostname, output_fields: fields }),
      });
      for (const rule of ['Shell in container', 'Write below etc']) assert.equal((await post({ 'k8s.ns.name': 'gc', 'k8s.pod.name': 'web-1' }, 'node-a', rule)).status, 200);
      assert.equal((await post({}, 'node-a', 'Host login')).status, 200);
      type Obj = { metadata: { ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string }> }; scope?: { uid?: string }; results?: unknown[] };
      const get = async (args: string[]) => { const r = await kubectl.run(['get', ...args, '-o', 'json']); return r.code === 0 ? JSON.parse(r.stdout) as Obj : undefined; };
      const pod = await waitFor('pod report', async () => { const o = await get(['policyreports.wgpolicyk8s.io', '-n', 'gc', 'falco-pod-web-1']); return o?.results?.length === 2 ? o : undefined; });
      assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'pod-uid-1' }]);
      assert.equal(pod.scope?.uid, 'pod-uid-1');
      const node = await waitFor('node report', () => get(['clusterpolicyreports.wgpolicyk8s.io', 'falco-node-node-a']));
      assert.deepEqual(node.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'node-a', uid: 'node-uid-a' }]);
      assert.equal(events.log.filter((l) => l.startsWith('GET /api/v1/namespaces/gc/pods/web-1')).length, 1, 'one lookup for two events');
    } finally {
      assert.equal((await pub.stop()).code, 0, pub.stderr().slice(-2000));
    }
  });
});

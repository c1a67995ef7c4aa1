/**
 * End to end for Kyverno block reports: `docket publish` reads PolicyViolation Events from a
 * kube-apiserver events double (`cluster`) and writes capped per-namespace reports into a real
 * `docket serve` (`sink`); kubectl reads them back.
 */
import assert from 'node:assert/strict';
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

describe('docket publish: kyverno block reports', () => {
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
});

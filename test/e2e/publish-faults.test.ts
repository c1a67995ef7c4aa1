/**
 * Write faults end to end: a real `docket publish` writes through a proxy that answers 409 Conflict
 * and 500 (before and after the write landed) in front of a real `docket serve`. Every event must be
 * counted exactly once in the reports kubectl reads back: nothing lost, nothing doubled.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDocket, type DocketServer } from '../support/docket.ts';
import { createKubectl } from '../support/kubectl.ts';
import { startProxy, type TestProxy } from '../../packages/kube/test/support/proxy.ts';
import { metric, readMetrics, startPublisher, waitFor, writeConfig } from './publish-support.ts';

describe('docket publish under write faults', () => {
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

  it('retries 500s and merges after 409s: every event counted once', { timeout: 60_000 }, async () => {
    let writes = 0;
    proxy.fault = ({ method }) => {
      if (method !== 'PUT' && method !== 'POST') return undefined;
      const n = writes++;
      if (n % 5 === 1) return { code: 500, reason: 'InternalError' };
      if (n % 5 === 2) return { code: 500, reason: 'InternalError', afterForward: true }; // landed, answer lost
      if (n % 5 === 3) return { code: 409, reason: 'Conflict', message: 'the object has been modified' };
      return undefined;
    };
    const pub = await startPublisher(writeConfig({
      sink: { server: proxy.url }, writer: { flushInterval: '200ms', ownerReferences: false },
      metrics: { listen: '127.0.0.1:0' }, producers: { falco: { port: 0 } },
    }));
    const port = await pub.falcoPort();
    const sent = new Map<string, number>();
    for (let round = 0; round < 6; round++) {
      const batch = [];
      for (let i = 0; i < 10; i++) {
        const pod = `pod-${i % 3}`;
        const rule = i % 2 ? 'Write below etc' : 'Shell in container';
        sent.set(`${pod}|${rule}`, (sent.get(`${pod}|${rule}`) ?? 0) + 1);
        batch.push({ rule, priority: 'Error', time: new Date().toISOString(), output: rule, source: 'syscall', output_fields: { 'k8s.ns.name': 'faults', 'k8s.pod.name': pod } });
      }
      assert.equal((await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: JSON.stringify(batch), headers: { 'content-type': 'application/json' } })).status, 200);
      await new Promise((r) => setTimeout(r, 250)); // spread over several flush intervals
    }
    const m = await waitFor('faults exercised', async () => {
      const x = await readMetrics(pub.metricsUrl);
      return metric(x, 'api_writes_total', { adapter: 'falco', outcome: 'retry' }) > 0 && metric(x, 'write_conflicts_total', { adapter: 'falco' }) > 0 ? x : undefined;
    });
    assert.equal(metric(m, 'results_mapped_total', { adapter: 'falco' }), 60);
    assert.equal((await pub.stop()).code, 0, pub.stderr().slice(-2000));

    const kubectl = createKubectl(docket.url);
    const list = JSON.parse(await kubectl.ok(['get', 'policyreports.wgpolicyk8s.io', '-n', 'faults', '-o', 'json'])) as {
      items: Array<{ metadata: { name: string }; results: Array<{ policy: string; properties: Record<string, string> }> }>;
    };
    const counted = new Map<string, number>();
    for (const report of list.items) {
      for (const r of report.results) counted.set(`${report.metadata.name.replace('falco-pod-', '')}|${r.policy}`, Number(r.properties.count));
    }
    assert.deepEqual(Object.fromEntries([...counted].sort()), Object.fromEntries([...sent].sort()));
  });

  it('waits for the report API (CRDs not installed yet: 404) instead of dropping results, then starts', { timeout: 60_000 }, async () => {
    let missing = true;
    proxy.fault = ({ url }) => (missing && url.includes('/apis/wgpolicyk8s.io/')
      ? { code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' } : undefined);
    const pub = await startPublisher(writeConfig({
      sink: { server: proxy.url }, writer: { flushInterval: '200ms', ownerReferences: false },
      metrics: { listen: '127.0.0.1:0' }, producers: { falco: { port: 0 } },
    }));
    try {
      const waiting = await waitFor('not ready while the API is missing', async () => {
        const res = await fetch(`${pub.metricsUrl}/readyz`);
        const body = await res.json() as { waitingFor?: string };
        return res.status === 503 && body.waitingFor ? body.waitingFor : undefined;
      });
      assert.match(waiting, /policyreports\.wgpolicyk8s\.io\/v1alpha2 is not served/);
      assert.doesNotMatch(pub.stderr(), /falco endpoint listening/, 'producers wait for the API');
      missing = false; // the CRDs get installed
      const port = await pub.falcoPort(15_000);
      const event = { rule: 'Late CRD', priority: 'Error', time: new Date().toISOString(), output: 'x', source: 'syscall', output_fields: { 'k8s.ns.name': 'crd', 'k8s.pod.name': 'p' } };
      assert.equal((await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/json' } })).status, 200);
      const kubectl = createKubectl(docket.url);
      await waitFor('the report', async () => ((await kubectl.run(['get', 'policyreports.wgpolicyk8s.io', '-n', 'crd', 'falco-pod-p'])).code === 0 ? true : undefined));
      assert.equal((await fetch(`${pub.metricsUrl}/readyz`)).status, 200);
    } finally {
      assert.equal((await pub.stop()).code, 0, pub.stderr().slice(-2000));
    }
  });
});

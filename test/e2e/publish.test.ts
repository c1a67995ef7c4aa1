/**
 * End to end: a real `docket serve`, a real `docket publish` fed by gRPC test servers on real
 * sockets (Hubble GetFlows, KubeArmor WatchAlerts), a Falco POST and Trivy/kube-bench files;
 * reports read back with the real kubectl. Faults: the Hubble stream drops mid-way (reconnect,
 * resume, no duplicate counts), malformed events (counted and skipped), SIGTERM (pending results
 * flushed before exit).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { runDocket, startDocket, type DocketServer } from '../support/docket.ts';
import { createKubectl, type Kubectl } from '../support/kubectl.ts';
import { failStream, startServer, toProtoFlow, type TestServer } from '../../packages/producers/test/support/grpc-servers.ts';
import { metric, readMetrics, startPublisher, waitFor, writeConfig, type Publisher } from './publish-support.ts';

const FIXTURES = new URL('../../packages/producers/test/fixtures/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');
const fixturePath = (name: string) => new URL(name, FIXTURES).pathname;

/** The fixture's first flow (TCP to github.com:443 from shop/web-…) with a new uuid, time and destination name. */
function flow(uuid: string, second: number, host: string): Record<string, unknown> {
  const base = JSON.parse(fixture('hubble-flows.jsonl').split('\n')[0]!).flow as Record<string, unknown>;
  return toProtoFlow({ ...base, uuid, time: `2026-11-22T10:00:${String(second).padStart(2, '0')}.5Z`, destination_names: [host] });
}

type Report = { metadata: { name: string; namespace?: string; labels?: Record<string, string> }; scope?: { kind: string; name: string }; results?: Array<{ policy: string; rule?: string; result?: string; severity?: string; source?: string; properties?: Record<string, string> }>; summary?: Record<string, number> };

async function reports(kubectl: Kubectl, kind: string): Promise<Report[]> {
  return (JSON.parse(await kubectl.ok(['get', kind, '-A', '-o', 'json'])) as { items: Report[] }).items;
}

describe('docket publish end to end', () => {
  let docket: DocketServer;
  let kubectl: Kubectl;
  let hubble: TestServer;
  let kubearmor: TestServer;
  let hubbleCalls = 0;
  let sinceOnResume: unknown;
  before(async () => {
    docket = await startDocket(['--listen', '127.0.0.1:0', '--store', 'sqlite::memory:', '--log-level', 'warn']);
    kubectl = createKubectl(docket.url);
    hubble = await startServer('hubble', (call) => {
      hubbleCalls++;
      if (hubbleCalls === 1) {
        // Three flows, then the relay goes away mid-stream.
        for (const [i, host] of [[1, 'a.example'], [2, 'b.example'], [3, 'c.example']] as const) call.write({ flow: flow(`f${i}`, i, host) });
        setTimeout(() => failStream(call), 100);
        return;
      }
      sinceOnResume = call.request.since;
      // A relay honouring `since` replays the overlap (f3) before the new flows; f4 repeats a.example.
      call.write({ flow: flow('f3', 3, 'c.example') });
      call.write({ flow: flow('f4', 4, 'a.example') });
      call.write({ flow: flow('f5', 5, 'd.example') });
    });
    const alerts = JSON.parse(fixture('kubearmor-alerts.json')) as Record<string, unknown>[];
    kubearmor = await startServer('kubearmor', (call) => {
      for (const a of alerts.slice(0, 3)) call.write({ ...a, Timestamp: String(a.Timestamp) });
      call.write({ PodName: 'web-7d9c8-abcde', NamespaceName: 'shop', PolicyName: 'no-time' }); // malformed: no time
    });
  });
  after(async () => {
    await hubble?.close();
    await kubearmor?.close();
    await docket?.stop();
  });

  it('maps every producer into reports that kubectl reads back, survives a stream drop without duplicates, and counts malformed events', { timeout: 60_000 }, async () => {
    const config = writeConfig({
      sink: { server: docket.url },
      writer: { flushInterval: '300ms', maxResults: 50, ttl: '87600h' },
      metrics: { listen: '127.0.0.1:0' },
      producers: {
        hubble: { address: `127.0.0.1:${hubble.port}`, insecure: true, resumeOverlapMs: 1000, backoff: { initialMs: 50, maxMs: 200 } },
        kubearmor: { address: `127.0.0.1:${kubearmor.port}`, insecure: true, backoff: { initialMs: 50, maxMs: 200 } },
        falco: { port: 0 },
        trivy: { files: [fixturePath('trivy-image.json')], namespace: 'shop' },
        'kube-bench': { files: [fixturePath('kube-bench.json')] },
      },
    });
    const pub: Publisher = await startPublisher(config);
    try {
      const falcoPort = await pub.falcoPort();
      const events = JSON.parse(fixture('falco-events.json')) as unknown[];
      const post = await fetch(`http://127.0.0.1:${falcoPort}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events[0]) });
      assert.equal(post.status, 200);
      const bad = await fetch(`http://127.0.0.1:${falcoPort}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rule: 'x', priority: 'Loud', time: 'never' }) });
      assert.ok(bad.status < 500, `malformed falco event answered ${bad.status}`);

      const m = await waitFor('every event counted', async () => {
        const m = await readMetrics(pub.metricsUrl);
        const ok = metric(m, 'results_mapped_total', { adapter: 'hubble' }) >= 5 && metric(m, 'results_mapped_total', { adapter: 'kubearmor' }) >= 3
          && metric(m, 'results_mapped_total', { adapter: 'falco' }) >= 1 && metric(m, 'events_dropped_total', { adapter: 'falco', reason: 'malformed' }) >= 1;
        return ok ? m : undefined;
      });
      assert.equal(metric(m, 'events_dropped_total', { adapter: 'hubble', reason: 'duplicate' }), 1, 'the replayed overlap flow is dropped once');
      assert.equal(metric(m, 'results_mapped_total', { adapter: 'hubble' }), 5, 'f1..f5 mapped once each');
      assert.ok(metric(m, 'reconnects_total', { adapter: 'hubble' }) >= 1);
      assert.equal(metric(m, 'events_dropped_total', { adapter: 'kubearmor', reason: 'malformed' }), 1);
      assert.equal(metric(m, 'events_received_total', { adapter: 'falco' }), 2);
      assert.ok(sinceOnResume, 'the second GetFlows call resumes with since');
      const ready = await fetch(`${pub.metricsUrl}/readyz`);
      assert.equal(ready.status, 200, await ready.text());
      assert.equal((await fetch(`${pub.metricsUrl}/healthz`)).status, 200);
      const promtool = spawnSync('promtool', ['check', 'metrics'], { input: await (await fetch(`${pub.metricsUrl}/metrics`)).text(), encoding: 'utf8' });
      assert.equal(promtool.status, 0, `promtool: ${promtool.stdout}${promtool.stderr}`);

      // Written while running (300 ms flush interval), read back with kubectl.
      const polr = await waitFor('hubble report with 4 results', async () => {
        const items = await reports(kubectl, 'policyreports.wgpolicyk8s.io');
        const h = items.find((r) => r.metadata.name === 'hubble-pod-web-7d9c8-abcde');
        return h && h.results?.length === 4 && items.some((r) => r.metadata.name === 'falco-pod-web-7d9c8-abcde') ? items : undefined;
      });
      const h = polr.find((r) => r.metadata.name === 'hubble-pod-web-7d9c8-abcde')!;
      assert.equal(h.metadata.namespace, 'shop');
      assert.deepEqual(h.scope && { kind: h.scope.kind, name: h.scope.name }, { kind: 'Pod', name: 'web-7d9c8-abcde' });
      assert.equal(h.metadata.labels?.['docket.dev/producer'], 'hubble');
      const counts = Object.fromEntries(h.results!.map((r) => [r.rule, Number(r.properties?.count)]));
      assert.deepEqual(counts, { 'a.example:443/TCP': 2, 'b.example:443/TCP': 1, 'c.example:443/TCP': 1, 'd.example:443/TCP': 1 });
      assert.equal(h.summary?.fail, 4);

      const ka = polr.find((r) => r.metadata.name === 'kubearmor-pod-web-7d9c8-abcde')!;
      assert.deepEqual(ka.results!.map((r) => [r.policy, r.result, r.severity]).sort(), [['audit-shadow', 'warn', 'critical'], ['block-pkg-mgmt', 'fail', 'medium']]);
      const falco = polr.find((r) => r.metadata.name === 'falco-pod-web-7d9c8-abcde')!;
      assert.equal(falco.results![0]!.policy, 'Terminal shell in container');
      assert.ok(polr.some((r) => r.metadata.namespace === 'shop' && r.metadata.name.startsWith('trivy-image-')), 'trivy image report in the configured namespace');

      const cpolr = await reports(kubectl, 'clusterpolicyreports.wgpolicyk8s.io');
      const host = cpolr.find((r) => r.metadata.name === 'kubearmor-node-kind-control-plane');
      assert.equal(host?.results?.[0]?.policy, 'host-block-nc', 'host alerts go to the node cluster report');
      const bench = cpolr.find((r) => r.metadata.name === 'kube-bench-master');
      assert.ok(bench && bench.results!.length > 0 && bench.results!.every((r) => ['pass', 'fail', 'warn', 'skip'].includes(r.result!)));
    } finally {
      const exit = await pub.stop('SIGTERM');
      assert.equal(exit.code, 0, pub.stderr().slice(-2000));
    }
  });

  it('flushes pending results on SIGTERM before it exits', { timeout: 60_000 }, async () => {
    // A one-hour flush interval: nothing is written unless shutdown flushes.
    const config = writeConfig({
      sink: { server: docket.url },
      writer: { flushInterval: '1h', ttl: '87600h' },
      metrics: { listen: '127.0.0.1:0' },
      producers: { falco: { port: 0 } },
    });
    const pub = await startPublisher(config);
    const falcoPort = await pub.falcoPort();
    const event = { ...(JSON.parse(fixture('falco-events.json')) as Record<string, any>[])[0], output_fields: { 'k8s.ns.name': 'sigterm', 'k8s.pod.name': 'late-pod' } };
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`http://127.0.0.1:${falcoPort}/`, { method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 200);
    }
    await waitFor('3 falco events mapped', async () => metric(await readMetrics(pub.metricsUrl), 'results_mapped_total', { adapter: 'falco' }) === 3 || undefined);
    const before = await kubectl.run(['get', 'policyreports.wgpolicyk8s.io', '-n', 'sigterm', '-o', 'name']);
    assert.equal(before.stdout.trim(), '', 'nothing written before shutdown');
    const exit = await pub.stop('SIGTERM');
    assert.equal(exit.code, 0, pub.stderr().slice(-2000));
    const report = JSON.parse(await kubectl.ok(['get', 'policyreports.wgpolicyk8s.io', '-n', 'sigterm', 'falco-pod-late-pod', '-o', 'json'])) as Report;
    assert.equal(report.results?.length, 1);
    assert.equal(report.results![0]!.properties?.count, '3');
  });

  it('runs scan inputs once (trivy from stdin, kube-bench from a file), writes them and exits 0', { timeout: 60_000 }, async () => {
    const config = writeConfig({
      writer: { outputGroup: 'openreports.io/v1alpha1' },
      producers: { trivy: { files: ['-'], namespace: 'scans' }, 'kube-bench': { files: [fixturePath('kube-bench.json')], nodeName: 'worker-1' } },
    });
    // The sink from a kubeconfig file given on the command line.
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'docket-kubeconfig-')), 'config');
    writeFileSync(kubeconfig, stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'docket',
      clusters: [{ name: 'docket', cluster: { server: docket.url } }], users: [{ name: 'me', user: {} }],
      contexts: [{ name: 'docket', context: { cluster: 'docket', user: 'me' } }],
    }));
    const run = await runDocket(['publish', '--config', config, '--kubeconfig', kubeconfig, '--log-level', 'warn'], { input: fixture('trivy-image.json'), timeoutMs: 45_000 });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /published trivy, kube-bench results to http:/);
    const reportsIn = JSON.parse(await kubectl.ok(['get', 'reports.openreports.io', '-n', 'scans', '-o', 'json'])) as { items: Report[] };
    const image = reportsIn.items.find((r) => r.metadata.name.startsWith('trivy-image-'));
    assert.ok(image?.results?.some((r) => r.policy.startsWith('CVE-')), 'trivy results read from stdin');
    const cluster = JSON.parse(await kubectl.ok(['get', 'clusterreports.openreports.io', '-o', 'json'])) as { items: Report[] };
    assert.ok(cluster.items.some((r) => r.metadata.name.includes('worker-1')), `kube-bench per-node report in ${cluster.items.map((r) => r.metadata.name).join(', ')}`);
  });

  it('exits non-zero on SIGTERM when pending results cannot be written (sink gone)', { timeout: 60_000 }, async () => {
    const doomed = await startDocket(['--listen', '127.0.0.1:0', '--store', 'sqlite::memory:', '--log-level', 'warn']);
    const pub = await startPublisher(writeConfig({
      sink: { server: doomed.url }, writer: { flushInterval: '1h', ownerReferences: false }, metrics: { listen: '127.0.0.1:0' }, producers: { falco: { port: 0 } },
    }));
    const falcoPort = await pub.falcoPort();
    const event = (JSON.parse(fixture('falco-events.json')) as unknown[])[0];
    assert.equal((await fetch(`http://127.0.0.1:${falcoPort}/`, { method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/json' } })).status, 200);
    await waitFor('event mapped', async () => metric(await readMetrics(pub.metricsUrl), 'results_mapped_total', { adapter: 'falco' }) === 1 || undefined);
    await doomed.stop();
    const exit = await pub.stop('SIGTERM', 40_000);
    assert.equal(exit.code, 1, pub.stderr().slice(-2000));
    assert.match(pub.stderr(), /pending results could not be written/);
  });

  it("writes into Docket's store in process (sink.store), which docket serve then serves; an unreadable input fails the run", { timeout: 60_000 }, async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'docket-publish-store-')), 'reports.db');
    const missing = join(tmpdir(), 'docket-no-such-scan.json');
    const config = writeConfig({ sink: { store: `sqlite:${db}` }, producers: { 'kube-bench': { files: [missing, fixturePath('kube-bench.json')] } } });
    const run = await runDocket(['publish', '--config', config, '--log-level', 'fatal'], { timeoutMs: 45_000 });
    // The unreadable input fails the run; the readable one is still published.
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /1 input\(s\) could not be used \(kube-bench: input not readable\); the others were published/);
    const served = await startDocket(['--listen', '127.0.0.1:0', '--store', `sqlite:${db}`, '--log-level', 'warn']);
    try {
      const names = await createKubectl(served.url).ok(['get', 'clusterpolicyreports.wgpolicyk8s.io', '-o', 'name']);
      assert.match(names, /kube-bench-master/);
    } finally {
      await served.stop();
    }
  });

  it('fails a one-shot run whose writes are refused (403), instead of reporting success', { timeout: 60_000 }, async () => {
    const forbidden = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: 'policyreports is forbidden' }));
    }).listen(0, '127.0.0.1');
    await new Promise((r) => forbidden.once('listening', r));
    try {
      const config = writeConfig({ producers: { 'kube-bench': { files: [fixturePath('kube-bench.json')] } } });
      const run = await runDocket(['publish', '--config', config, '--server', `http://127.0.0.1:${(forbidden.address() as AddressInfo).port}`], { timeoutMs: 45_000 });
      assert.equal(run.code, 1, run.stdout + run.stderr);
      assert.match(run.stderr, /report write\(s\) were refused/);
      assert.doesNotMatch(run.stdout, /published/);
    } finally {
      forbidden.close();
    }
  });
});

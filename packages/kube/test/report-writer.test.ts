import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AlreadyExistsError, ConflictError, NotFoundError, type ReportResult } from '@docket/model';
import { startDocket, type DocketServer } from '../../../test/support/docket.ts';
import { createKubectl } from '../../../test/support/kubectl.ts';
import { createReportClient, createReportWriter, kubeConfigForServer, type ReportClient, type WriteOutcome } from '../src/index.ts';
import { startProxy, type TestProxy } from './support/proxy.ts';
import { polr, polrRef } from './support/reports.ts';

const ev = (policy: string, rule: string, seconds?: number): ReportResult => ({
  policy, rule, result: 'fail', severity: 'high', source: 'test', message: `${policy}/${rule}`,
  ...(seconds !== undefined ? { timestamp: { seconds, nanos: 0 } } : {}),
});
const writes = (p: TestProxy, from = 0) => p.requests.slice(from).filter((r) => (r.method === 'PUT' || r.method === 'POST') && r.forwarded && !r.injected);
const counts = (results: ReportResult[] | undefined) => Object.fromEntries((results ?? []).map((r) => [r.rule, Number(r.properties?.count)]));

describe('report writer against docket serve', () => {
  let docket: DocketServer;
  let proxy: TestProxy;
  let direct: ReportClient;
  let viaProxy: ReportClient;
  before(async () => {
    docket = await startDocket(['--listen', '127.0.0.1:0', '--store', 'sqlite::memory:', '--log-level', 'warn']);
    proxy = await startProxy(docket.url);
    direct = createReportClient(kubeConfigForServer(docket.url));
    viaProxy = createReportClient(kubeConfigForServer(proxy.url));
  });
  after(async () => {
    await proxy?.close();
    await docket?.stop();
  });

  it('coalesces 1000 events for 10 reports into one write per report per interval, merging repeats', async () => {
    const from = proxy.requests.length;
    const outcomes: WriteOutcome[] = [];
    // Event times are recent: the TTL counts from when a result was last seen (its event time).
    const T0 = Math.floor(Date.now() / 1000) - 2000;
    const writer = createReportWriter({
      client: viaProxy, group: 'wgpolicyk8s.io/v1alpha2', flushIntervalMs: 1000, maxResults: 100, ttlMs: 3_600_000,
      metrics: { onWrite: (o) => outcomes.push(o) },
    });
    // 5 bursts of 200 events 250 ms apart: every report sees 10 rules, each 10 times.
    for (let burst = 0; burst < 5; burst++) {
      for (let i = 0; i < 200; i++) {
        const n = burst * 200 + i;
        writer.add({ namespace: 'bulk', name: `pod-${n % 10}` }, ev('egress', `rule-${Math.floor(n / 10) % 10}`, T0 + n));
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    await writer.close();
    const w = writes(proxy, from);
    console.log(`# writer: ${w.length} API writes and ${proxy.requests.slice(from).filter((r) => r.method === 'GET').length} reads for 1000 events into 10 reports`);
    assert.ok(w.length >= 10 && w.length <= 30, `10..30 writes for 1000 events, got ${w.length}`);
    for (let p = 0; p < 10; p++) {
      const perReport = w.filter((r) => r.url.endsWith(`/pod-${p}`)).length;
      assert.ok(perReport <= 2, `updates of pod-${p}: ${perReport}`);
    }
    assert.equal(outcomes.filter((o) => o === 'created').length, 10);
    const report = await direct.get(polrRef('bulk', 'pod-3'));
    assert.deepEqual(counts(report.results), Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`rule-${i}`, 10])));
    assert.deepEqual(report.summary, { pass: 0, fail: 10, warn: 0, error: 0, skip: 0 });
    assert.equal(report.metadata.labels?.['app.kubernetes.io/managed-by'], 'docket');
    const r0 = report.results!.find((r) => r.rule === 'rule-0')!;
    // rule-0 of pod-3 was seen at n = 3, 103, ..., 903: timestamp = last seen.
    assert.deepEqual(r0.timestamp, { seconds: T0 + 903, nanos: 0 });
    assert.equal(r0.properties?.firstSeen, new Date((T0 + 3) * 1000).toISOString());
    assert.equal(r0.properties?.lastSeen, new Date((T0 + 903) * 1000).toISOString());
    assert.match(r0.properties?.resultID ?? '', /^[0-9a-f]{32}$/);
    // The real kubectl reads what the writer wrote.
    const table = await createKubectl(docket.url).ok(['get', 'polr', '-n', 'bulk', '--no-headers']);
    assert.equal(table.trim().split('\n').length, 10, table);
    assert.match(table, /^pod-3\s.*\s10\s/m, 'FAIL column counts results, not events');
    assert.throws(() => writer.add({ name: 'late' }, ev('p', 'r')), /closed/);
  });

  it('caps at maxResults (oldest dropped first), expires results not seen for ttlMs, sets scope and ownerReferences', async () => {
    let now = 1_800_000_000_000;
    const dropped: Record<string, number> = {};
    const writer = createReportWriter({
      client: direct, group: 'openreports.io/v1alpha1', flushIntervalMs: 60_000, maxResults: 5, ttlMs: 60_000, clock: () => now,
      metrics: { onDropped: (reason, n) => (dropped[reason] = (dropped[reason] ?? 0) + n) },
    });
    const scope = { apiVersion: 'v1', kind: 'Pod', namespace: 'capped', name: 'web-1', uid: 'uid-web-1' };
    const owner = { apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'uid-web-1' };
    const key = { namespace: 'capped', name: 'web-1', scope };
    for (let i = 0; i < 8; i++) {
      now += 1000;
      writer.add(key, ev('p', `r${i}`), owner);
    }
    await writer.flush();
    const ref = { group: 'openreports.io', version: 'v1alpha1', plural: 'reports', namespace: 'capped', name: 'web-1' };
    let report = await direct.get(ref);
    assert.deepEqual(Object.keys(counts(report.results)), ['r3', 'r4', 'r5', 'r6', 'r7']);
    assert.equal(dropped.cap, 3);
    assert.deepEqual(report.scope, scope);
    assert.deepEqual(report.metadata.ownerReferences, [owner]);
    assert.equal(report.kind, 'Report');

    now += 30_000; // r3..r7 were seen 30-34 s ago
    writer.add(key, ev('p', 'r7'));
    writer.add(key, ev('p', 'fresh'));
    await writer.flush();
    now += 35_000; // r3..r6 now 65-69 s old; r7 and fresh 35 s
    await writer.flush(); // no new events: the expiry alone makes the report due
    report = await direct.get(ref);
    assert.deepEqual(counts(report.results), { r7: 2, fresh: 1 });
    assert.equal(dropped.cap, 4, 'r3 made room for fresh');
    assert.equal(dropped.ttl, 3, 'r4..r6 expired');
    assert.deepEqual(report.summary, { pass: 0, fail: 2, warn: 0, error: 0, skip: 0 });
    await writer.close();
  });

  it('survives injected 409 and 500 answers (before and after the write landed) and a real concurrent writer: nothing lost, nothing doubled', async () => {
    const from = proxy.requests.length;
    let writeNo = 0;
    proxy.fault = ({ method }) => {
      if (method !== 'PUT' && method !== 'POST') return undefined;
      writeNo++;
      if (writeNo % 5 === 1) return { code: 500, reason: 'InternalError' };
      if (writeNo % 5 === 2) return { code: 409, reason: 'Conflict', message: 'the object has been modified' };
      if (writeNo % 5 === 3) return { code: 503, reason: 'ServiceUnavailable', afterForward: true }; // landed, answer lost
      return undefined;
    };
    const outcomes: WriteOutcome[] = [];
    const writer = createReportWriter({
      client: viaProxy, group: 'wgpolicyk8s.io/v1alpha2', flushIntervalMs: 100, maxResults: 1000, ttlMs: 3_600_000,
      backoff: { initialMs: 5, maxMs: 40 }, metrics: { onWrite: (o) => outcomes.push(o) },
    });
    const sent = new Map<string, number>();
    try {
      for (let round = 0; round < 8; round++) {
        for (let i = 0; i < 50; i++) {
          const rule = `r${(round * 7 + i) % 12}`;
          writer.add({ namespace: 'faults', name: `pod-${i % 3}` }, ev('p', rule));
          sent.set(`pod-${i % 3}/${rule}`, (sent.get(`pod-${i % 3}/${rule}`) ?? 0) + 1);
        }
        if (round === 4) {
          // Another writer changes pod-0 behind our back: our next update hits a real 409.
          // It retries its own conflicts with our writer, as any well-behaved client does.
          for (let tries = 0; ; tries++) {
            const cur = await direct.get(polrRef('faults', 'pod-0')).catch((e: unknown) => {
              if (e instanceof NotFoundError) return undefined;
              throw e;
            });
            const foreign = { policy: 'foreign', result: 'warn' as const, properties: { resultID: 'foreign-1' } };
            try {
              if (cur) await direct.replace(polrRef('faults', 'pod-0'), { ...cur, results: [...(cur.results ?? []), foreign] });
              else await direct.create(polrRef('faults', 'pod-0'), { ...polr('faults', 'pod-0'), results: [foreign] });
              break;
            } catch (e) {
              if (!(e instanceof ConflictError || e instanceof AlreadyExistsError) || tries > 20) throw e;
            }
          }
        }
        await new Promise((r) => setTimeout(r, 60));
      }
      await writer.close();
    } finally {
      proxy.fault = undefined;
    }
    assert.ok(outcomes.includes('conflict') && outcomes.includes('retry') && outcomes.includes('unchanged'), `outcomes: ${[...new Set(outcomes)].join(',')}`);
    assert.ok(proxy.requests.slice(from).some((r) => r.injected && r.status === 500));
    for (let p = 0; p < 3; p++) {
      const report = await direct.get(polrRef('faults', `pod-${p}`));
      const ids = report.results!.map((r) => r.properties?.resultID);
      assert.equal(new Set(ids).size, ids.length, 'no duplicate results');
      const ours = Object.fromEntries(Object.entries(counts(report.results)).filter(([rule]) => rule !== 'undefined'));
      const expected = Object.fromEntries([...sent].filter(([k]) => k.startsWith(`pod-${p}/`)).map(([k, n]) => [k.split('/')[1], n]));
      assert.deepEqual(ours, expected, `pod-${p}: every event counted exactly once`);
      if (p === 0) assert.ok(report.results!.some((r) => r.policy === 'foreign'), 'the concurrent writer\'s result is kept');
    }
    assert.ok(writes(proxy, from).length < 60, 'bounded writes');
  });
});

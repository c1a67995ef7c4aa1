/**
 * bench:reporter part 3: `docket serve --config` (SQLite) with a webhook target at a local
 * receiver; reports written through the API at a fixed rate of new results; latency from just
 * before the write to the receipt of each notification.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDeliveryStore } from '@docket/store';
import { percentile } from './stats.ts';
import { startDocket } from '../../test/support/docket.ts';

export interface E2eFigures {
  targetResultsPerSec: number;
  seconds: number;
  sent: number;
  received: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  deliveredPerSec: number;
  /** Write → row in the outbox (API, store, change feed, detection, enqueue). */
  enqueueP50Ms: number;
  enqueueP99Ms: number;
  /** Row in the outbox → marked sent (dispatcher, webhook target, receiver). */
  dispatchP50Ms: number;
  dispatchP99Ms: number;
  /** The API write itself (POST until 201). */
  writeP50Ms: number;
  writeP99Ms: number;
  /** Warning and error log lines of the server during the run. */
  warnings: number;
}

export async function runE2eBench(dir: string, opts: { ratePerSec: number; seconds: number; perReport: number; storeUrl?: string }, log: (m: string) => void): Promise<E2eFigures> {
  const latencies: number[] = [];
  let lastAt = 0;
  let firstAt = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { properties?: Record<string, string> };
      const sentAt = Number(body.properties?.['sentAt']);
      if (sentAt) { latencies.push(now - sentAt); lastAt = now; firstAt ||= now; }
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const receiver = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cfg = join(dir, 'reporter-bench.yaml');
  await writeFile(cfg, `target:\n  webhook:\n    webhook: ${receiver}/hook\n    skipExistingOnStartup: false\ndelivery:\n  concurrency: 16\n  pollInterval: 200ms\n`);
  const storeUrl = opts.storeUrl ?? `sqlite:${join(dir, 'e2e.db')}`;
  const docket = await startDocket(['--listen', '127.0.0.1:0', '--store', storeUrl, '--config', cfg, '--log-level', 'warn']);
  try {
    const reportsPerSec = opts.ratePerSec / opts.perReport;
    const total = Math.round(reportsPerSec * opts.seconds);
    const start = Date.now();
    const inflight = new Set<Promise<void>>();
    const writes: number[] = [];
    for (let k = 0; k < total; k++) {
      const due = start + (k * 1000) / reportsPerSec;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sentAt = String(Date.now());
      const body = {
        apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name: `e${k}`, namespace: 'bench' },
        results: Array.from({ length: opts.perReport }, (_, i) => ({ policy: `p${i}`, rule: `r${k}`, result: 'fail', source: 'bench', properties: { sentAt } })),
      };
      const p = fetch(`${docket.url}/apis/wgpolicyk8s.io/v1alpha2/namespaces/bench/policyreports`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      }).then(async (res) => {
        if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
        writes.push(Date.now() - Number(sentAt));
      });
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      if (k % Math.max(1, Math.round(reportsPerSec)) === 0) log(`e2e: written ${k * opts.perReport} results, received ${latencies.length}`);
    }
    await Promise.all(inflight);
    const want = total * opts.perReport;
    const until = Date.now() + 60_000;
    while (latencies.length < want && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await docket.stop();
    const warnings = docket.stderr().split('\n').filter((l) => /"level":(40|50)/.test(l));
    for (const w of warnings.slice(0, 5)) log(`docket: ${w.slice(0, 300)}`);
    const split = await splitLatency(storeUrl);
    return {
      ...split, warnings: warnings.length, writeP50Ms: percentile(writes, 50), writeP99Ms: percentile(writes, 99),
      targetResultsPerSec: opts.ratePerSec, seconds: opts.seconds, sent: want, received: latencies.length,
      p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: percentile(latencies, 100),
      deliveredPerSec: Math.round(latencies.length / Math.max(0.001, (lastAt - firstAt) / 1000)),
    };
  } finally {
    await docket.stop();
    server.closeAllConnections();
    server.close();
  }
}

/** Splits the latency at the outbox: rows carry their enqueue and done times. */
async function splitLatency(storeUrl: string): Promise<Pick<E2eFigures, 'enqueueP50Ms' | 'enqueueP99Ms' | 'dispatchP50Ms' | 'dispatchP99Ms'>> {
  const outbox = await openDeliveryStore(storeUrl);
  const enqueue: number[] = [];
  const dispatch: number[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await outbox.list({ limit: 1000, ...(token ? { continue: token } : {}) });
      for (const d of page.items) {
        const sentAt = Number((d.payload as { result?: { properties?: Record<string, string> } }).result?.properties?.['sentAt']);
        if (sentAt) enqueue.push(d.createdAt - sentAt);
        if (d.doneAt) dispatch.push(d.doneAt - d.createdAt);
      }
      token = page.continue;
    } while (token);
  } finally {
    await outbox.close();
  }
  return {
    enqueueP50Ms: percentile(enqueue, 50), enqueueP99Ms: percentile(enqueue, 99),
    dispatchP50Ms: percentile(dispatch, 50), dispatchP99Ms: percentile(dispatch, 99),
  };
}

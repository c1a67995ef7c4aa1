/**
 * `npm run bench:publisher`: Hubble flows and KubeArmor alerts streamed over real gRPC sockets (a
 * peer process per adapter, sending pre-encoded frames as fast as the adapter takes them) into a
 * real `docket publish` process (1 s flush interval) writing into a real `docket serve`. Prints
 * one JSON line: events/s per adapter, API writes per 1k events, peak RSS of the publisher
 * process; progress on stderr. The npm script builds the bundle first, so the publisher runs as
 * `npm start` would run it.
 *
 *   npm run bench:publisher -- [--events N] [--pods P]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { createCleanup } from './lib/cleanup.ts';
import { startDocket } from './lib/docket-server.ts';
import { peakRss } from './lib/proc-mem.ts';
import { counterSum, cpuSeconds, startPublishProcess } from './lib/publisher-process.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '200000' }, pods: { type: 'string', default: '50' } } });
const EVENTS = Number(values.events);
const PODS = Number(values.pods);
const log = (msg: string) => process.stderr.write(`[bench:publisher] ${msg}\n`);
const root = new URL('..', import.meta.url).pathname;

async function startPeer(kind: string): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/lib/publisher-stream.ts'), kind, String(EVENTS), String(PODS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface(child.stdout!).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`${kind} peer exited ${c}`)));
  });
  return { port: Number(line), stop: () => child.kill('SIGTERM') };
}

interface AdapterFigures { events: number; seconds: number; eventsPerSecond: number; cpuSeconds: number; eventsPerCpuSecond: number; apiWrites: number; writesPer1kEvents: number; conflicts: number; peakRssMB: number }

/** One `docket publish` process per adapter; rates from its /metrics polled every 25 ms. */
async function measure(kind: 'hubble' | 'kubearmor', server: string, dir: string): Promise<AdapterFigures> {
  const peer = await startPeer(kind);
  const config = join(dir, `${kind}.yaml`);
  writeFileSync(config, stringify({
    sink: { server },
    writer: { flushInterval: '1s', maxResults: 500, ownerReferences: false },
    metrics: { listen: '127.0.0.1:0' },
    logLevel: 'warn',
    producers: { [kind]: { address: `127.0.0.1:${peer.port}`, insecure: true } },
  }));
  const run = await startPublishProcess(root, config, join(dir, `${kind}.log`));
  let first = 0;
  let last = 0;
  let cpuFirst = 0;
  let cpuLast = 0;
  for (;;) {
    const mapped = await counterSum(run.metricsUrl, 'docket_publisher_results_mapped_total');
    const now = performance.now();
    if (mapped > 0 && first === 0) { first = now; cpuFirst = cpuSeconds(run.pid); }
    if (mapped >= EVENTS) { last = now; cpuLast = cpuSeconds(run.pid); break; }
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 2500)); // the last interval's writes
  const writes = await counterSum(run.metricsUrl, 'docket_publisher_api_writes_total', (l) => !l.includes('outcome="unchanged"'));
  const conflicts = await counterSum(run.metricsUrl, 'docket_publisher_write_conflicts_total');
  const peak = peakRss(run.pid);
  await run.stop();
  peer.stop();
  const seconds = (last - first) / 1000;
  return {
    events: EVENTS, seconds: Number(seconds.toFixed(2)), eventsPerSecond: Math.round(EVENTS / seconds),
    // On a shared machine wall-clock rates move with the neighbours' load; CPU per event does not.
    cpuSeconds: Number((cpuLast - cpuFirst).toFixed(2)), eventsPerCpuSecond: Math.round(EVENTS / Math.max(0.01, cpuLast - cpuFirst)),
    apiWrites: writes, writesPer1kEvents: Number((writes / (EVENTS / 1000)).toFixed(2)), conflicts, peakRssMB: Math.round(peak / 1048576),
  };
}

const cleanup = createCleanup(log);
process.once('SIGINT', () => void cleanup.run().then(() => process.exit(130)));
try {
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-publisher-'));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  log('starting docket serve (SQLite)');
  const docket = await startDocket(root, `sqlite:${join(dir, 'docket.db')}`, dir, cleanup);
  const figures: Record<string, AdapterFigures> = {};
  for (const kind of ['hubble', 'kubearmor'] as const) {
    log(`${kind}: streaming ${EVENTS} events over ${PODS} pods`);
    figures[kind] = await measure(kind, docket.url, dir);
    log(`${kind}: ${JSON.stringify(figures[kind])}`);
  }
  const result = {
    bench: 'publisher', events: EVENTS, pods: PODS, flushIntervalMs: 1000, sink: 'docket serve (sqlite)',
    adapters: figures,
    peakRssMB: Math.max(...Object.values(figures).map((f) => f.peakRssMB)),
    targets: Object.fromEntries(Object.entries(figures).map(([k, f]) => [k, { eventsPerSecondAtLeast20k: f.eventsPerSecond >= 20_000, writesPer1kAtMost5: f.writesPer1kEvents <= 5 }])),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await cleanup.run();
}

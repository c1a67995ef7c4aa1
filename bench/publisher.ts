/**
 * `npm run bench:publisher`: Hubble flows and KubeArmor alerts streamed over real gRPC sockets
 * (a peer process per adapter) as fast as the adapter takes them, through `docket publish`'s
 * pipeline (mapper → report writer, 1 s flush interval) into a real `docket serve`. Prints one
 * JSON line: events/s per adapter, API writes per 1k events, peak RSS; progress on stderr.
 *
 *   npm run bench:publisher -- [--events N] [--pods P]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createReportClient, createReportWriter, kubeConfigForServer, type ReportClient } from '@docket/kube';
import { hubbleConfigSchema, kubearmorConfigSchema, producerRegistry, type Producer, type ProducerDeps } from '@docket/producers';
import { runTerm, type AdapterState } from '../packages/cli/src/commands/publish-pipeline.ts';
import { createPublishMetrics } from '../packages/cli/src/commands/publish-metrics.ts';
import { noOwners } from '../packages/cli/src/commands/publish-owners.ts';
import { createCleanup } from './lib/cleanup.ts';
import { startDocket } from './lib/docket-server.ts';
import { createRssSampler } from './lib/proc-mem.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '200000' }, pods: { type: 'string', default: '50' } } });
const EVENTS = Number(values.events);
const PODS = Number(values.pods);
const log = (msg: string) => process.stderr.write(`[bench:publisher] ${msg}\n`);
const root = new URL('..', import.meta.url).pathname;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function startPeer(kind: string): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/lib/publisher-stream.ts'), kind, String(EVENTS), String(PODS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface(child.stdout!).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`${kind} peer exited ${c}`)));
  });
  return { port: Number(line), stop: () => child.kill('SIGTERM') };
}

interface AdapterFigures { events: number; seconds: number; eventsPerSecond: number; reports: number; apiWrites: number; writesPer1kEvents: number; peakRssMB: number }

/** Runs one adapter until it has mapped EVENTS results, then flushes; figures from its own writer. */
async function measure(kind: 'hubble' | 'kubearmor', client: ReportClient): Promise<AdapterFigures> {
  const peer = await startPeer(kind);
  const config = kind === 'hubble'
    ? hubbleConfigSchema.parse({ address: `127.0.0.1:${peer.port}`, insecure: true })
    : kubearmorConfigSchema.parse({ address: `127.0.0.1:${peer.port}`, insecure: true });
  const deps: ProducerDeps = { logger: silent, now: Date.now };
  const inner: Producer = producerRegistry[kind]!.create(config, deps);
  let writes = 0;
  const reports = new Set<string>();
  const writer = createReportWriter({
    client, group: 'wgpolicyk8s.io/v1alpha2', flushIntervalMs: 1000, maxResults: 500, ttlMs: 24 * 3_600_000,
    metrics: { onWrite: (o) => { if (o !== 'unchanged') writes++; } },
  });
  const stop = new AbortController();
  let mapped = 0;
  let first = 0;
  let last = 0;
  // Counts mapped results and stops the stream after EVENTS of them.
  const producer: Producer = {
    type: kind,
    run: (hooks, signal) => inner.run({
      ...hooks,
      onResult: (m) => {
        if (mapped === 0) first = performance.now();
        hooks.onResult(m);
        reports.add(`${m.reportKey.namespace}/${m.reportKey.scope?.name}`);
        if (++mapped === EVENTS) { last = performance.now(); stop.abort(); }
        else if (mapped % 50_000 === 0) log(`${kind}: ${mapped} events`);
      },
    }, signal),
  };
  const rss = createRssSampler(process.pid, 50);
  const states = new Map<string, AdapterState>();
  await runTerm([{ type: kind, producer, writer }], stop.signal, { owners: noOwners, metrics: createPublishMetrics(), logger: silent, logReports: false, states });
  const peak = rss.stop();
  peer.stop();
  const seconds = (last - first) / 1000;
  return {
    events: mapped, seconds: Number(seconds.toFixed(2)), eventsPerSecond: Math.round((mapped - 1) / seconds),
    reports: reports.size, apiWrites: writes, writesPer1kEvents: Number((writes / (mapped / 1000)).toFixed(2)), peakRssMB: Math.round(peak / 1048576),
  };
}

const cleanup = createCleanup(log);
process.once('SIGINT', () => void cleanup.run().then(() => process.exit(130)));
try {
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-publisher-'));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  log('starting docket serve (SQLite)');
  const docket = await startDocket(root, `sqlite:${join(dir, 'docket.db')}`, dir, cleanup);
  const client = createReportClient(kubeConfigForServer(docket.url));
  const figures: Record<string, AdapterFigures> = {};
  for (const kind of ['hubble', 'kubearmor'] as const) {
    log(`${kind}: streaming ${EVENTS} events over ${PODS} pods`);
    figures[kind] = await measure(kind, client);
    log(`${kind}: ${JSON.stringify(figures[kind])}`);
  }
  const result = {
    bench: 'publisher', events: EVENTS, pods: PODS, flushIntervalMs: 1000, sink: 'docket serve (sqlite)',
    adapters: figures,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    targets: Object.fromEntries(Object.entries(figures).map(([k, f]) => [k, { eventsPerSecondAtLeast20k: f.eventsPerSecond >= 20_000, writesPer1kAtMost5: f.writesPer1kEvents <= 5 }])),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await cleanup.run();
}

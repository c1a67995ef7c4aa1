/**
 * Quick throughput figures for the producers' pure mappers and the two gRPC sources (real
 * loopback sockets, server in a child process). Not a test: prints one JSON line. Run: node --import tsx packages/producers/bench/mappers.ts
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  createHubbleSource, createKubearmorSource, falcoConfigSchema, hubbleConfigSchema, kubeBenchConfigSchema, kubearmorConfigSchema,
  toFalcoResult, toHubbleResult, toKubeBenchResults, toKubearmorResult, toTrivyResults, trivyConfigSchema,
} from '../src/index.ts';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const fx = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');
const N = Number(process.env.BENCH_EVENTS ?? 200_000);

function rate(label: string, events: number, fn: () => void): [string, number] {
  fn(); // warm-up
  const t0 = performance.now();
  fn();
  return [label, Math.round(events / ((performance.now() - t0) / 1000))];
}

const flows = fx('hubble-flows.jsonl').split('\n').filter(Boolean).map((l) => JSON.parse(l).flow).slice(0, 5);
const alerts = (JSON.parse(fx('kubearmor-alerts.json')) as unknown[]).slice(0, 4);
const falco = (JSON.parse(fx('falco-events.json')) as unknown[]).slice(0, 4);
const trivy = JSON.parse(fx('trivy-image.json'));
const bench = JSON.parse(fx('kube-bench.json'));
const hc = hubbleConfigSchema.parse({ address: 'x:1', insecure: true, labels: ['team'] });
const kc = kubearmorConfigSchema.parse({ address: 'x:1', insecure: true });
const fc = falcoConfigSchema.parse({});
const t = { seconds: 1, nanos: 0 };

const figures: Record<string, number> = Object.fromEntries([
  rate('hubbleMapPerSec', N, () => { for (let i = 0; i < N; i++) toHubbleResult(flows[i % flows.length], hc); }),
  rate('kubearmorMapPerSec', N, () => { for (let i = 0; i < N; i++) toKubearmorResult(alerts[i % alerts.length], kc); }),
  rate('falcoMapPerSec', N, () => { for (let i = 0; i < N; i++) toFalcoResult(falco[i % falco.length], fc); }),
  // Findings per second (a Trivy image document holds 7 findings, the kube-bench one 6 checks).
  rate('trivyFindingsPerSec', (N / 7 | 0) * 7, () => { for (let i = 0; i < (N / 7 | 0); i++) toTrivyResults(trivy, trivyConfigSchema.parse({}), t); }),
  rate('kubeBenchChecksPerSec', (N / 6 | 0) * 6, () => { for (let i = 0; i < (N / 6 | 0); i++) toKubeBenchResults(bench, kubeBenchConfigSchema.parse({}), t); }),
]);

/**
 * Streams `count` messages from a loopback gRPC server in a child process through a source;
 * returns events (mapped or skipped) per second on the client.
 */
async function grpcRate(kind: 'hubble' | 'kubearmor', count: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('stream-server.ts', import.meta.url).pathname, kind, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(createInterface({ input: child.stdout! }), 'line') as [string];
  const controller = new AbortController();
  let n = 0;
  const t0 = performance.now();
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  const hooks = { onResult: () => { if (++n === count) controller.abort(); }, onSkip: () => { if (++n === count) controller.abort(); } };
  const address = `127.0.0.1:${Number(line)}`;
  const run = kind === 'hubble'
    ? createHubbleSource(hubbleConfigSchema.parse({ address, insecure: true }), { logger, now: Date.now }).run(hooks, controller.signal)
    : createKubearmorSource(kubearmorConfigSchema.parse({ address, insecure: true }), { logger, now: Date.now }).run(hooks, controller.signal);
  await run;
  const seconds = (performance.now() - t0) / 1000;
  child.kill('SIGTERM');
  await once(child, 'exit');
  return Math.round(count / seconds);
}

figures.hubbleGrpcPerSec = await grpcRate('hubble', 100_000);
figures.kubearmorGrpcPerSec = await grpcRate('kubearmor', 100_000);
figures.rssMiB = Math.round(process.memoryUsage().rss / 1024 / 1024);
console.log(JSON.stringify({ bench: 'producers', events: N, ...figures }));

/**
 * Quick SQLite store measurements (not a test): create and rewrite throughput of generated reports,
 * bytes per report, list first-page latency, RSS, and DB growth across retention-expired rewrites.
 *
 *   node --expose-gc --import tsx packages/store/scripts/measure-sqlite.ts [count=20000] [FULL|NORMAL] [concurrency=64]
 *
 * Prints one JSON line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReportObject } from '@docket/model';
import { createSqliteStore, type ObjectKey, type ReportStore } from '@docket/store';
import { genReportsPath } from '../../../test/support/shared.ts';

const requested = Number(process.argv[2] ?? 20000);
const sync = (process.argv[3] ?? 'FULL') as 'FULL' | 'NORMAL';
const concurrency = Number(process.argv[4] ?? 64);
const GEN = genReportsPath();

function generate(n: number): ReportObject[] {
  const r = spawnSync(process.execPath, [GEN, String(n)], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(r.stderr);
  const seen = new Set<string>();
  const out: ReportObject[] = [];
  for (const l of r.stdout.trim().split('\n')) {
    const o = JSON.parse(l) as ReportObject;
    o.apiVersion = 'wgpolicyk8s.io/v1beta1';
    // The generator's small PRNG repeats names; make every key unique so `n` reports are stored.
    let k = `${o.metadata.namespace}/${o.metadata.name}`;
    if (seen.has(k)) {
      o.metadata.name = `${o.metadata.name}-${out.length}`;
      k = `${o.metadata.namespace}/${o.metadata.name}`;
    }
    seen.add(k);
    out.push(o);
  }
  return out;
}

const keyOf = (o: ReportObject): ObjectKey => ({ group: 'wgpolicyk8s.io', resource: 'policyreports', namespace: o.metadata.namespace!, name: o.metadata.name! });

const cpuPerWrite: Record<string, number> = {};

async function pump(items: ReportObject[], write: (o: ReportObject) => Promise<unknown>, label = ''): Promise<number> {
  const start = performance.now();
  const c0 = process.cpuUsage();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await write(items[next++]!);
  }));
  const c = process.cpuUsage(c0);
  if (label) cpuPerWrite[label] = Math.round((c.user + c.system) / items.length);
  return items.length / ((performance.now() - start) / 1000);
}

function dbBytes(path: string): number {
  let total = 0;
  for (const f of [path, `${path}-wal`]) if (existsSync(f)) total += statSync(f).size;
  return total;
}

async function timeIt(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return Math.round(ts[Math.floor(ts.length / 2)]! * 10) / 10;
}

function rewrite(o: ReportObject, round: number): ReportObject {
  return {
    ...o,
    results: o.results!.map((r, i) => (i === round % o.results!.length
      ? { ...r, result: r.result === 'pass' ? 'fail' as const : 'pass' as const, timestamp: { seconds: (r.timestamp?.seconds ?? 0) + round, nanos: 0 } }
      : r)),
  };
}

/** Streams `n` generated reports into the store (for counts too large to hold in memory). */
async function streamCreate(store: ReportStore, n: number): Promise<number> {
  const child = spawn(process.execPath, [GEN, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const inflight = new Set<Promise<unknown>>();
  let i = 0;
  const start = performance.now();
  for await (const line of createInterface({ input: child.stdout })) {
    const o = JSON.parse(line) as ReportObject;
    o.apiVersion = 'wgpolicyk8s.io/v1beta1';
    o.metadata.name = `${o.metadata.name}-${i++}`;
    const p = store.create(keyOf(o), o).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= concurrency) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  return i / ((performance.now() - start) / 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'docket-measure-'));
const STREAM_ABOVE = 30_000;
if (requested > STREAM_ABOVE) {
  const path = join(dir, 'docket.db');
  try {
    const store = await createSqliteStore({ path, sqliteSynchronous: sync });
    const createPerSec = await streamCreate(store, requested);
    const ref = { group: 'wgpolicyk8s.io', resource: 'policyreports' };
    const firstPageFull = await timeIt(() => store.list(ref, { limit: 500 }));
    const firstPageSummary = await timeIt(() => store.list(ref, { limit: 500, projection: 'summary' }));
    const firstPageLabel = await timeIt(() => store.list(ref, { limit: 500, labels: [{ key: 'app.kubernetes.io/managed-by', op: 'in', values: ['kyverno'] }] }));
    const p1 = await store.list(ref, { limit: 500 });
    const page2 = await timeIt(() => store.list(ref, { limit: 500, continue: p1.continue }));
    const scopeUid = await timeIt(() => store.list(ref, { limit: 500, fields: [{ field: 'scope.uid', op: '=', value: p1.items[7]!.scope!.uid! }] }));
    (globalThis as { gc?: () => void }).gc?.();
    console.log(JSON.stringify({
      engine: 'sqlite', synchronous: sync, reports: requested, concurrency, loadAverage: (await import('node:os')).loadavg()[0],
      createPerSec: Math.round(createPerSec), dbBytesPerReport: Math.round(dbBytes(path) / requested),
      firstPageMs: { full: firstPageFull, summary: firstPageSummary, labelSelector: firstPageLabel, page2, scopeUidField: scopeUid },
      remainingItemCount: p1.remainingItemCount, rssMB: Math.round(process.memoryUsage().rss / 1e6),
    }));
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
const path = join(dir, 'docket.db');
try {
  const reports = generate(requested);
  const count = reports.length;
  const rawJsonBytes = reports.reduce((n, r) => n + JSON.stringify(r).length, 0) / reports.length;
  const store: ReportStore = await createSqliteStore({ path, sqliteSynchronous: sync, historyRetentionMs: 1 });
  const t0 = performance.now();
  const createPerSec = await pump(reports, (o) => store.create(keyOf(o), o), 'create');
  const afterCreate = dbBytes(path);
  console.error(`created ${reports.length} in ${Math.round(performance.now() - t0)} ms`);
  const rewritePerSec = await pump(reports, (o) => store.update(keyOf(o), rewrite(o, 1)), 'rewrite');
  await new Promise((r) => setTimeout(r, 5));
  await store.compact();
  const afterRewrite1 = dbBytes(path);
  await pump(reports, (o) => store.update(keyOf(o), rewrite(o, 2)));
  await new Promise((r) => setTimeout(r, 5));
  await store.compact();
  await pump(reports, (o) => store.update(keyOf(o), rewrite(o, 3)));
  await store.compact();
  const afterRewrite3 = dbBytes(path);
  const first = reports[0]!;
  // Drop the generated input so RSS below reflects the store, not the benchmark's own data.
  reports.length = 0;
  (globalThis as { gc?: () => void }).gc?.();
  const ref = { group: 'wgpolicyk8s.io', resource: 'policyreports' };
  const firstPageFull = await timeIt(() => store.list(ref, { limit: 500 }));
  const firstPageSummary = await timeIt(() => store.list(ref, { limit: 500, projection: 'summary' }));
  const firstPageLabel = await timeIt(() => store.list(ref, { limit: 500, labels: [{ key: 'app.kubernetes.io/managed-by', op: 'in', values: ['kyverno'] }] }));
  const nsPage = await timeIt(() => store.list({ ...ref, namespace: 'team-7' }, { limit: 500 }));
  const p1 = await store.list(ref, { limit: 500 });
  await store.update(keyOf(first), rewrite(first, 9));
  const snapshotPage = await timeIt(() => store.list(ref, { limit: 500, continue: p1.continue }));
  const fullListMs = await timeIt(() => store.list(ref, { projection: 'summary' }), 1);
  const resultCountMs = {
    fail: await timeIt(() => store.countResults(ref, { result: 'fail' })),
    policyRule: await timeIt(() => store.countResults(ref, { policy: first.results![0]!.policy, rule: first.results![0]!.rule })),
    namespaceFail: await timeIt(() => store.countResults({ ...ref, namespace: 'team-7' }, { result: 'fail' })),
    subjectUid: await timeIt(() => store.countResults(ref, { subjectUid: first.scope!.uid! })),
  };
  let pages = 0;
  let cont: string | undefined;
  const pagedStart = performance.now();
  do {
    const p = await store.list(ref, { limit: 500, continue: cont });
    cont = p.continue;
    pages++;
  } while (cont);
  const pagedFullListMs = Math.round(performance.now() - pagedStart);
  await store.close();
  console.log(JSON.stringify({
    engine: 'sqlite', synchronous: sync, reports: count, concurrency,
    cpuMicrosPerWrite: cpuPerWrite, loadAverage: (await import('node:os')).loadavg()[0],
    createPerSec: Math.round(createPerSec), rewritePerSec: Math.round(rewritePerSec),
    rawJsonBytesPerReport: Math.round(rawJsonBytes),
    dbBytesPerReport: Math.round(afterCreate / count),
    dbBytesPerReportAfterRewrites: { once: Math.round(afterRewrite1 / count), thrice: Math.round(afterRewrite3 / count) },
    firstPageMs: { full: firstPageFull, summary: firstPageSummary, labelSelector: firstPageLabel, namespace: nsPage, snapshotPage2: snapshotPage },
    fullSummaryListMs: fullListMs, resultCountMs, pagedFullList: { pages, ms: pagedFullListMs },
    rssMB: Math.round(process.memoryUsage().rss / 1e6),
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

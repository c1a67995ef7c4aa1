/**
 * Quick measurement (not a test) of the PostgreSQL engine: creates/s and rewrites/s of N generated
 * reports in hub form, through K concurrent callers. Creates a throw-away database and drops it.
 *
 *   node --import tsx packages/store/scripts/pg-throughput.ts postgres://postgres@127.0.0.1:5432/postgres [N=20000] [K=16]
 *
 * Prints one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ReportObject } from '@docket/model';
import { createPostgresStore } from '../src/postgres/index.ts';
import type { ReportStore } from '../src/types.ts';
import { genReportsPath } from '../../../test/support/shared.ts';

const GEN = genReportsPath();

function generate(n: number): ReportObject[] {
  const out = execFileSync(process.execPath, [GEN, String(n)], { encoding: 'utf8', maxBuffer: 1 << 30 });
  // The generator's names repeat at this size (its PRNG cycles); a second create would rightly be
  // AlreadyExists, so repeated names get the line number appended.
  const seen = new Set<string>();
  return out.trim().split('\n').map((line, i) => {
    const r = JSON.parse(line) as ReportObject;
    let name = r.metadata.name!;
    if (seen.has(`${r.metadata.namespace}/${name}`)) name = `${name}-${i}`;
    seen.add(`${r.metadata.namespace}/${name}`);
    return { ...r, apiVersion: 'wgpolicyk8s.io/v1beta1', metadata: { ...r.metadata, name } };
  });
}

async function runPool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
  return (performance.now() - t0) / 1000;
}

async function measure(store: ReportStore, reports: ReportObject[], concurrency: number) {
  const keyOf = (r: ReportObject) => ({ group: 'wgpolicyk8s.io', resource: 'policyreports', namespace: r.metadata.namespace!, name: r.metadata.name! });
  const stored = new Map<string, ReportObject>();
  const createSec = await runPool(reports, concurrency, async (r) => {
    const o = await store.create(keyOf(r), r);
    stored.set(`${o.metadata.namespace}/${o.metadata.name}`, o);
  });
  // A rewrite as producers do it: same report, results re-evaluated (one result flips, timestamps move).
  const rewriteSec = await runPool([...stored.values()], concurrency, async (o) => {
    const results = (o.results ?? []).map((res, i) => (i === 0 ? { ...res, result: res.result === 'pass' ? 'fail' as const : 'pass' as const } : res))
      .map((res) => ({ ...res, timestamp: { seconds: (res.timestamp?.seconds ?? 0) + 60, nanos: 0 } }));
    await store.update(keyOf(o), { ...o, results }, { expectedResourceVersion: o.metadata.resourceVersion });
  });
  return { createSec, rewriteSec };
}

async function main(): Promise<void> {
  const [server, nArg, kArg] = process.argv.slice(2);
  if (!server) throw new Error('usage: pg-throughput.ts POSTGRES_URL [N] [CONCURRENCY]');
  const k = Number(kArg ?? 16);
  const reports = generate(Number(nArg ?? 20000));
  const n = reports.length;
  const results = reports.reduce((s, r) => s + (r.results?.length ?? 0), 0);
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const db = `docket_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${db}`);
  const u = new URL(server);
  u.pathname = `/${db}`;
  const store = await createPostgresStore({ url: u.toString(), poolSize: k });
  try {
    const { createSec, rewriteSec } = await measure(store, reports, k);
    const size = await admin.query<{ s: string }>('SELECT pg_database_size($1)::text AS s', [db]);
    console.log(JSON.stringify({
      engine: 'postgres', reports: n, results, concurrency: k,
      createsPerSec: Math.round(n / createSec), rewritesPerSec: Math.round(n / rewriteSec),
      createSec: +createSec.toFixed(2), rewriteSec: +rewriteSec.toFixed(2), dbBytes: Number(size.rows[0]!.s),
    }));
  } finally {
    await store.close();
    await admin.query(`DROP DATABASE ${db} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });

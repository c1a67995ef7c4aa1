/**
 * `node --import tsx bench/store-direct.ts [--reports N] [--writers C] [--store sqlite|postgres://...]`:
 * the store engine alone, in process, without HTTP or validation: the same documents, creates
 * then updates with C concurrent callers, then a full paginated list and first-page latency.
 * For the store helpers: the gap between this and `bench:store`'s Docket half is the API's cost.
 * Prints one JSON line; progress on stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type ObjectKey, type ReportStore } from '@docket/store';
import type { ReportObject } from '@docket/model';
import { parseBenchArgs, USAGE } from './lib/args.ts';
import { createCleanup } from './lib/cleanup.ts';
import { createTempPostgresDb, postgresSize, sqliteSize, type DbSize } from './lib/db-size.ts';
import { runConcurrent } from './lib/load.ts';
import { generateReports, rawBytes, type BenchReport } from './lib/reports.ts';
import { toMb, toPhaseFigures } from './lib/stats.ts';
import { genReportsPath } from '../test/support/shared.ts';

const log = (msg: string): void => {
  process.stderr.write(`[bench:store-direct] ${msg}\n`);
};
const keyOf = (r: BenchReport): ObjectKey => ({ group: 'wgpolicyk8s.io', resource: 'policyreports', namespace: r.namespace, name: r.name });
const parse = (b: Buffer): ReportObject => JSON.parse(b.toString('utf8')) as ReportObject;

async function run(store: ReportStore, reports: BenchReport[], writers: number, pageSize: number, firstPageRequests: number, size: () => Promise<DbSize>) {
  const rvs = new Array<string>(reports.length);
  const w = await runConcurrent(reports.length, writers, async (i) => {
    const r = reports[i]!;
    rvs[i] = (await store.create(keyOf(r), parse(r.doc))).metadata.resourceVersion ?? '';
  }, (n) => log(`create ${n}`));
  const afterWrite = await size();
  const u = await runConcurrent(reports.length, writers, async (i) => {
    const r = reports[i]!;
    await store.update(keyOf(r), parse(r.rewrite), { expectedResourceVersion: rvs[i]! });
  }, (n) => log(`update ${n}`));
  const afterRewrite = await size();
  const ref = { group: 'wgpolicyk8s.io', resource: 'policyreports' };
  const t0 = performance.now();
  let items = 0;
  let cont: string | undefined;
  do {
    const page = await store.list(ref, { limit: pageSize, continue: cont });
    items += page.items.length;
    cont = page.continue;
  } while (cont);
  const listMs = Math.round(performance.now() - t0);
  if (items !== reports.length) throw new Error(`list returned ${items}, expected ${reports.length}`);
  const fp = await runConcurrent(firstPageRequests, 1, async () => {
    await store.list(ref, { limit: pageSize });
  });
  const write = toPhaseFigures(w.latencies, w.wallMs);
  const rewrite = toPhaseFigures(u.latencies, u.wallMs);
  const firstPage = toPhaseFigures(fp.latencies, fp.wallMs);
  return {
    writesPerSec: write.perSec, p50Ms: write.p50Ms, p99Ms: write.p99Ms,
    rewritesPerSec: rewrite.perSec, rewriteP50Ms: rewrite.p50Ms, rewriteP99Ms: rewrite.p99Ms,
    dbBytesAfterWrite: afterWrite.fileBytes, dbBytesAfterRewrite: afterRewrite.fileBytes,
    dbUsedBytesAfterWrite: afterWrite.usedBytes, dbUsedBytesAfterRewrite: afterRewrite.usedBytes,
    listAll: { ms: listMs, items }, firstPageP50Ms: firstPage.p50Ms, firstPageP99Ms: firstPage.p99Ms,
    peakRssMb: toMb(process.resourceUsage().maxRSS * 1024),
  };
}

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const cleanup = createCleanup(log);
  const onSignal = (): void => void cleanup.run().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-direct-'));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const { reports } = await generateReports(genReportsPath(), opts.reports);
    let url: string;
    let size: () => Promise<DbSize>;
    if (opts.store === 'sqlite') {
      const file = join(dir, 'docket.db');
      url = `sqlite:${file}`;
      size = async () => sqliteSize(file);
    } else {
      const temp = await createTempPostgresDb(opts.store);
      cleanup.add(() => temp.drop());
      url = temp.url;
      size = () => postgresSize(temp.url);
    }
    const store = await openStore(url);
    cleanup.add(() => store.close());
    log(`${store.engine}: ${reports.length} reports, ${opts.writers} concurrent callers`);
    const figures = await run(store, reports, opts.writers, opts.pageSize, opts.firstPageRequests, size);
    process.stdout.write(`${JSON.stringify({ reports: reports.length, writers: opts.writers, rawJsonBytes: rawBytes(reports), engine: store.engine, ...figures })}\n`);
    return 0;
  } finally {
    await cleanup.run();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  },
);

/**
 * `npm run bench:reporter`: the reporter's figures for issue 3 on one JSON line (progress on
 * stderr): new-result detection through diff + filter, RSS with 1M results held by the pipeline,
 * outbox enqueue throughput, and end-to-end latency from a report write to receipt at a local
 * webhook at 1k new results/s. Exits non-zero only on errors, never on a missed aim.
 * Options: --quick (smaller sizes), --skip-rss, --skip-e2e, --pg URL (also run the end-to-end part
 * with the store and outbox on that PostgreSQL database; it must be empty).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDetectionBench } from './lib/reporter-detect.ts';
import { runE2eBench } from './lib/reporter-e2e.ts';
import { runOutboxBench } from './lib/reporter-outbox.ts';

const log = (m: string) => process.stderr.write(`[bench:reporter ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

function runRssChild(mode: 'populate' | 'feed', dir: string, reports: number, perReport: number): Promise<Record<string, unknown>> {
  const script = fileURLToPath(new URL('./lib/reporter-rss.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, mode, dir, String(reports), String(perReport)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => code === 0 ? resolve(JSON.parse(out.trim()) as Record<string, unknown>) : reject(new Error(`rss child exited ${code}`)));
  });
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const args = new Set(argv);
  const pgAt = argv.indexOf('--pg');
  const pgUrl = pgAt >= 0 ? argv[pgAt + 1] : undefined;
  const quick = args.has('--quick');
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-reporter-'));
  try {
    log('diff + filter');
    const detect = runDetectionBench({ reports: quick ? 500 : 2000, results: 50, rounds: quick ? 4 : 10, churn: 0.1 }, log);
    log(`detection: ${detect.resultsPerSec} results/s`);
    const outbox = await runOutboxBench(dir, { rows: quick ? 20_000 : 100_000, batch: 1000 }, log);
    log(`outbox: ${outbox.rowsPerSec} rows/s`);
    let rss: Record<string, unknown> | undefined;
    if (!args.has('--skip-rss')) {
      const reports = quick ? 1000 : 10_000;
      log(`RSS: ${reports} reports x 100 results`);
      const populated = await runRssChild('populate', dir, reports, 100);
      rss = { ...populated, ...await runRssChild('feed', dir, reports, 100) };
    }
    let e2e;
    if (!args.has('--skip-e2e')) {
      log('end to end at 1k new results/s');
      e2e = await runE2eBench(dir, { ratePerSec: 1000, seconds: quick ? 5 : 15, perReport: 10 }, log);
    }
    let e2ePostgres;
    if (pgUrl && !args.has('--skip-e2e')) {
      log('end to end at 1k new results/s on PostgreSQL');
      e2ePostgres = await runE2eBench(dir, { ratePerSec: 1000, seconds: quick ? 5 : 15, perReport: 10, storeUrl: pgUrl }, log);
    }
    const aims = {
      detectionResultsPerSec: { aim: 50_000, met: detect.resultsPerSec >= 50_000 },
      ...(e2e ? { e2eP99Ms: { aim: 1000, met: e2e.p99Ms < 1000 && e2e.received === e2e.sent } } : {}),
      ...(rss ? { rssMbAt1M: { aim: 300, met: rss['resultsHeld'] === 1_000_000 ? Number(rss['peakRssMb']) < 300 : null } } : {}),
    };
    process.stdout.write(`${JSON.stringify({ bench: 'reporter', quick, detect, outbox, rss, e2e, ...(e2ePostgres ? { e2ePostgres } : {}), aims })}\n`);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`bench:reporter failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});

/**
 * `npm run bench:store`: Docket's API against etcd raw puts, on the same documents with the same
 * writers over loopback keep-alive HTTP. Prints one JSON line on stdout (figures, ratios, issue 2's
 * targets); progress goes to stderr. Exits non-zero only on errors, never on a missed target.
 * This file is the composition root: the only place that reads argv, handles signals and exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, toBenchPlan, USAGE } from './lib/args.ts';
import { createCleanup } from './lib/cleanup.ts';
import { assertEtcdInstalled, runEtcd } from './lib/etcd.ts';
import { runDocket } from './lib/docket.ts';
import { runFloor } from './lib/floor.ts';
import { generateReports, rawBytes } from './lib/reports.ts';
import { toSummary } from './lib/summary.ts';
import { round } from './lib/stats.ts';
import { genReportsPath } from '../test/support/shared.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const log = (msg: string): void => {
  process.stderr.write(`[bench:store ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  const plan = toBenchPlan(opts);
  if (plan.etcd) assertEtcdInstalled();

  const cleanup = createCleanup(log);
  const onSignal = (sig: NodeJS.Signals): void => {
    log(`${sig}: stopping children and removing temp dirs`);
    void cleanup.run().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-'));
  cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
  // Both halves share a 2-core machine with other work: the load average tells readers how noisy the run was.
  const loadStart = loadavg()[0] ?? 0;
  try {
    log(`generating ${opts.reports} reports`);
    const { reports, renamed } = await generateReports(genReportsPath(), opts.reports);
    if (renamed > 0) log(`renamed ${renamed} repeated (namespace, name) pairs from the generator so every report is a distinct object`);
    // The ceiling first: a do-nothing Node server fed exactly like Docket, so the write target can be read against it.
    const floor = plan.floor ? await runFloor(dir, reports, opts.writers, cleanup, log) : undefined;
    const etcd = plan.etcd ? await runEtcd(join(dir, 'etcd-run'), reports, opts.writers, cleanup, log) : undefined;
    const docket = plan.docket
      ? await runDocket({ repoRoot, dir, store: opts.store, writers: opts.writers, pageSize: opts.pageSize, firstPageRequests: opts.firstPageRequests, cpuProfDir: opts.cpuProfDir, historyRetentionS: opts.historyRetentionS, skipRetentionWait: opts.skipRetentionWait }, reports, cleanup, log)
      : undefined;
    const host = { cpus: cpus().length, loadAvg1mStart: round(loadStart), loadAvg1mEnd: round(loadavg()[0] ?? 0) };
    const summary = toSummary({ reports: reports.length, writers: opts.writers, rawJsonBytes: rawBytes(reports), renamedDuplicateNames: renamed, etcd, docket, floor });
    process.stdout.write(`${JSON.stringify({ ...summary, host })}\n`);
    return 0;
  } finally {
    await cleanup.run();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

/**
 * The Docket half: the same documents as etcd got, written through Docket's Kubernetes-style API
 * (POST create, then PUT of the rewritten report) with the same writers over keep-alive HTTP;
 * then DB size, server peak RSS, a full paginated list and first-page latency.
 */
import { join } from 'node:path';
import { createHttpClient, expectOk, type HttpClient } from './http-client.ts';
import { runConcurrent } from './load.ts';
import { startDocket } from './docket-server.ts';
import { sqliteSize, postgresSize, createTempPostgresDb, type DbSize } from './db-size.ts';
import { peakRss, resetPeakRss, createRssSampler, currentRss } from './proc-mem.ts';
import { toPhaseFigures, type PhaseFigures } from './stats.ts';
import { listAll, firstPageLatency, firstPageLatencyFromProbe, TABLE_ACCEPT, type ListFigures } from './docket-list.ts';
import type { BenchReport } from './reports.ts';
import type { Cleanup } from './cleanup.ts';

const COLLECTION = '/apis/wgpolicyk8s.io/v1alpha2';

export interface DocketFigures {
  engine: 'sqlite' | 'postgres';
  write: PhaseFigures;
  rewrite: PhaseFigures;
  afterWrite: DbSize;
  afterRewrite: DbSize;
  /** After the history window has passed and compaction ran: the steady state (undefined when skipped). */
  afterRetention?: DbSize;
  historyRetentionS: number;
  startRssBytes: number;
  /** VmHWM after write + rewrite: the server's peak so far. */
  peakRssBytes: number;
  list: ListFigures;
  firstPage: PhaseFigures;
  /** The same first page as kubectl asks for it (Table rows). Informational: the target is on full objects. */
  firstPageTable: PhaseFigures;
  /** The full-object first page timed from the bench process (which holds every report) instead of a fresh client. */
  firstPageBenchClient?: PhaseFigures;
}

export interface DocketRunOptions {
  repoRoot: string;
  dir: string;
  /** 'sqlite' or a postgres:// URL in which a temporary database is created. */
  store: string;
  writers: number;
  pageSize: number;
  firstPageRequests: number;
  cpuProfDir?: string;
  historyRetentionS: number;
  skipRetentionWait: boolean;
}

/** The store compacts on a 60 s timer; allow one full period plus slack after the window ends. */
const COMPACTION_PERIOD_MS = 65_000;

/** Pure: the create path of a namespaced report. */
export function toCollectionPath(namespace: string): string {
  return `${COLLECTION}/namespaces/${encodeURIComponent(namespace)}/policyreports`;
}

/** Pure: the document with `metadata.resourceVersion` set (PUT needs it for optimistic concurrency). */
export function withResourceVersion(doc: Buffer, rv: string): Buffer {
  const marker = Buffer.from('"metadata":{');
  const at = doc.indexOf(marker);
  if (at < 0) throw new Error('document has no metadata object');
  const end = at + marker.length;
  return Buffer.concat([doc.subarray(0, end), Buffer.from(`"resourceVersion":"${rv}",`), doc.subarray(end)]);
}

function resourceVersionOf(body: Buffer): string {
  const m = /"resourceVersion":"(\d+)"/.exec(body.toString('utf8'));
  if (!m) throw new Error(`no resourceVersion in response: ${body.toString('utf8', 0, 300)}`);
  return m[1]!;
}

async function writeAll(http: HttpClient, reports: readonly BenchReport[], rvs: string[], writers: number, log: (m: string) => void): Promise<PhaseFigures> {
  const { latencies, wallMs } = await runConcurrent(reports.length, writers, async (i) => {
    const r = reports[i]!;
    const res = expectOk(await http.send('POST', toCollectionPath(r.namespace), r.doc), `docket create ${r.namespace}/${r.name}`);
    rvs[i] = resourceVersionOf(res.body);
  }, (n) => log(`docket create: ${n}/${reports.length}`));
  return toPhaseFigures(latencies, wallMs);
}

async function rewriteAll(http: HttpClient, reports: readonly BenchReport[], rvs: string[], writers: number, log: (m: string) => void): Promise<PhaseFigures> {
  const { latencies, wallMs } = await runConcurrent(reports.length, writers, async (i) => {
    const r = reports[i]!;
    const path = `${toCollectionPath(r.namespace)}/${encodeURIComponent(r.name)}`;
    expectOk(await http.send('PUT', path, withResourceVersion(r.rewrite, rvs[i]!)), `docket update ${r.namespace}/${r.name}`);
  }, (n) => log(`docket update: ${n}/${reports.length}`));
  return toPhaseFigures(latencies, wallMs);
}

export async function runDocket(opts: DocketRunOptions, reports: readonly BenchReport[], cleanup: Cleanup, log: (m: string) => void): Promise<DocketFigures> {
  let storeUrl: string;
  let size: () => Promise<DbSize>;
  if (opts.store === 'sqlite') {
    const file = join(opts.dir, 'docket.db');
    storeUrl = `sqlite:${file}`;
    size = async () => sqliteSize(file);
  } else {
    const temp = await createTempPostgresDb(opts.store);
    cleanup.add(() => temp.drop());
    storeUrl = temp.url;
    size = () => postgresSize(temp.url);
  }
  const engine = opts.store === 'sqlite' ? 'sqlite' : 'postgres';
  const nodeArgs = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  const serveArgs = ['--history-retention', `${opts.historyRetentionS}s`];
  const server = await startDocket(opts.repoRoot, storeUrl, opts.dir, cleanup, nodeArgs, serveArgs);
  const pid = server.child.pid;
  const http = createHttpClient(server.url, opts.writers);
  try {
    const startRssBytes = currentRss(pid);
    log(`docket (${engine}) on ${server.url}: writing ${reports.length} reports with ${opts.writers} writers`);
    const rvs = new Array<string>(reports.length);
    const write = await writeAll(http, reports, rvs, opts.writers, log);
    const afterWrite = await size();
    log(`docket: rewriting ${reports.length} reports`);
    const rewrite = await rewriteAll(http, reports, rvs, opts.writers, log);
    const rewriteEnd = Date.now();
    const afterRewrite = await size();
    const peakRssBytes = peakRss(pid);

    log(`docket: listing all with limit=${opts.pageSize}`);
    const reset = resetPeakRss(pid);
    const sampler = createRssSampler(pid);
    const listed = await listAll(http, `${COLLECTION}/policyreports`, opts.pageSize);
    const sampled = sampler.stop();
    const list: ListFigures = { ...listed, peakRssBytes: Math.max(sampled, reset ? peakRss(pid) : 0) };
    if (list.items !== reports.length) throw new Error(`list returned ${list.items} reports, expected ${reports.length}`);

    log(`docket: first page latency over ${opts.firstPageRequests} requests`);
    const firstPage = await firstPageLatencyFromProbe(server.url, `${COLLECTION}/policyreports`, opts.pageSize, opts.firstPageRequests);
    const firstPageTable = await firstPageLatencyFromProbe(server.url, `${COLLECTION}/policyreports`, opts.pageSize, opts.firstPageRequests, TABLE_ACCEPT);
    // The same requests from the bench process itself (before 2026-11-23 the only figure), for comparison.
    const firstPageBenchClient = await firstPageLatency(http, `${COLLECTION}/policyreports`, opts.pageSize, opts.firstPageRequests);
    let afterRetention: DbSize | undefined;
    if (!opts.skipRetentionWait) {
      // Superseded versions are kept for the history window (watch resume, paginated snapshots), like
      // etcd keeps revisions until compaction: read the size the database settles at once it has passed.
      const waitMs = rewriteEnd + opts.historyRetentionS * 1000 + COMPACTION_PERIOD_MS - Date.now();
      if (waitMs > 0) {
        log(`docket: waiting ${Math.ceil(waitMs / 1000)} s for the ${opts.historyRetentionS} s history window and compaction`);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
      afterRetention = await size();
    }
    return {
      engine, write, rewrite, afterWrite, afterRewrite, afterRetention, historyRetentionS: opts.historyRetentionS,
      startRssBytes, peakRssBytes, list, firstPage, firstPageTable, firstPageBenchClient,
    };
  } finally {
    http.close();
    await server.child.stop();
  }
}

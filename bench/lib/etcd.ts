/**
 * The anchor: a real etcd on loopback, written to through its HTTP/JSON gateway (`/v3/kv/put`
 * with base64 key and value) over keep-alive connections, with the same documents and the same
 * number of concurrent writers as Docket gets. Keys are laid out as kube-apiserver stores custom
 * resources: `/registry/<group>/<resource>/<namespace>/<name>`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild, waitUntil, type Child } from './child.ts';
import { createHttpClient, expectOk, type HttpClient } from './http-client.ts';
import { runConcurrent } from './load.ts';
import { fileBytes, allocatedBytes } from './disk.ts';
import { freePort } from './ports.ts';
import { peakRss } from './proc-mem.ts';
import { toPhaseFigures, type PhaseFigures } from './stats.ts';
import type { BenchReport } from './reports.ts';
import type { Cleanup } from './cleanup.ts';

export const ETCD_BIN = '/usr/bin/etcd';
const QUOTA_BYTES = 8 * 1024 * 1024 * 1024;

export interface EtcdSize {
  /** etcd's own figure (`/v3/maintenance/status` dbSize): the bbolt file including free pages. */
  dbSize: number;
  /** `dbSizeInUse` from the same call: bytes of pages holding data. */
  dbSizeInUse: number;
  /** Apparent size of member/snap/db on disk. */
  fileBytes: number;
  /** Blocks actually allocated for member/snap/db. */
  allocatedBytes: number;
}

export interface EtcdFigures {
  version: string;
  write: PhaseFigures;
  rewrite: PhaseFigures;
  afterWrite: EtcdSize;
  afterRewrite: EtcdSize;
  afterCompactDefrag: EtcdSize;
  peakRssBytes: number;
}

/** Fails with the install hint when the etcd binary is missing. */
export function assertEtcdInstalled(): void {
  if (!existsSync(ETCD_BIN)) {
    throw new Error(`etcd not found at ${ETCD_BIN}: install it with "apt-get install -y etcd-server"`);
  }
}

/** Pure: the etcd key kube-apiserver would use for a namespaced custom resource. */
export function toEtcdKey(group: string, resource: string, namespace: string, name: string): string {
  return `/registry/${group}/${resource}/${namespace}/${name}`;
}

/** Pure: the gateway's put body for a key and a JSON value. */
export function toPutBody(key: string, value: Buffer): string {
  return `{"key":"${Buffer.from(key).toString('base64')}","value":"${value.toString('base64')}"}`;
}

async function startEtcd(dir: string, cleanup: Cleanup): Promise<{ child: Child; url: string }> {
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const child = spawnChild(ETCD_BIN, [
    '--name', 'bench',
    '--data-dir', join(dir, 'etcd'),
    '--listen-client-urls', url,
    '--advertise-client-urls', url,
    '--listen-peer-urls', peerUrl,
    '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', `bench=${peerUrl}`,
    '--quota-backend-bytes', String(QUOTA_BYTES),
  ], join(dir, 'etcd.log'));
  cleanup.add(() => child.stop());
  const probe = createHttpClient(url, 1);
  await waitUntil(child, 'etcd', async () => (await probe.send('GET', '/health')).status === 200);
  probe.close();
  return { child, url };
}

async function status(http: HttpClient): Promise<{ dbSize: number; dbSizeInUse: number; version: string }> {
  const res = expectOk(await http.send('POST', '/v3/maintenance/status', '{}'), 'etcd status');
  const body = JSON.parse(res.body.toString()) as { dbSize?: string; dbSizeInUse?: string; version?: string };
  return { dbSize: Number(body.dbSize ?? 0), dbSizeInUse: Number(body.dbSizeInUse ?? 0), version: body.version ?? '?' };
}

async function size(http: HttpClient, dbFile: string): Promise<EtcdSize> {
  const s = await status(http);
  return { dbSize: s.dbSize, dbSizeInUse: s.dbSizeInUse, fileBytes: fileBytes(dbFile), allocatedBytes: allocatedBytes(dbFile) };
}

/** Number of keys under a prefix (a sanity check that every put landed and compaction kept them). */
async function countKeys(http: HttpClient, prefix: string): Promise<number> {
  const end = Buffer.from(prefix);
  end[end.length - 1]! += 1;
  const body = JSON.stringify({ key: Buffer.from(prefix).toString('base64'), range_end: end.toString('base64'), count_only: true });
  const res = expectOk(await http.send('POST', '/v3/kv/range', body), 'etcd range count');
  return Number((JSON.parse(res.body.toString()) as { count?: string }).count ?? 0);
}

async function putAll(http: HttpClient, reports: readonly BenchReport[], pick: (r: BenchReport) => Buffer, writers: number, log: (m: string) => void): Promise<{ figures: PhaseFigures; revision: string }> {
  let revision = '0';
  const { latencies, wallMs } = await runConcurrent(reports.length, writers, async (i) => {
    const r = reports[i]!;
    const key = toEtcdKey('wgpolicyk8s.io', 'policyreports', r.namespace, r.name);
    const res = expectOk(await http.send('POST', '/v3/kv/put', toPutBody(key, pick(r))), 'etcd put');
    // The header carries the store revision after this put; keep the highest for compaction.
    const m = /"revision":"(\d+)"/.exec(res.body.toString());
    if (m && BigInt(m[1]!) > BigInt(revision)) revision = m[1]!;
  }, (n) => log(`etcd: ${n}/${reports.length}`));
  return { figures: toPhaseFigures(latencies, wallMs), revision };
}

/** Runs the whole etcd half: start, write, rewrite, compact+defrag, sizes after each, stop. */
export async function runEtcd(dir: string, reports: readonly BenchReport[], writers: number, cleanup: Cleanup, log: (m: string) => void): Promise<EtcdFigures> {
  assertEtcdInstalled();
  mkdirSync(dir, { recursive: true });
  const { child, url } = await startEtcd(dir, cleanup);
  const http = createHttpClient(url, writers);
  const dbFile = join(dir, 'etcd', 'member', 'snap', 'db');
  try {
    const { version } = await status(http);
    log(`etcd ${version} on ${url}: writing ${reports.length} reports with ${writers} writers`);
    const write = await putAll(http, reports, (r) => r.doc, writers, log);
    const afterWrite = await size(http, dbFile);
    log(`etcd: rewriting ${reports.length} reports`);
    const rewrite = await putAll(http, reports, (r) => r.rewrite, writers, log);
    const afterRewrite = await size(http, dbFile);
    // What a kube-apiserver does every 5 minutes (compaction), plus an operator's defrag.
    expectOk(await http.send('POST', '/v3/kv/compaction', JSON.stringify({ revision: rewrite.revision, physical: true })), 'etcd compaction');
    expectOk(await http.send('POST', '/v3/maintenance/defragment', '{}'), 'etcd defragment');
    const afterCompactDefrag = await size(http, dbFile);
    const keys = await countKeys(http, '/registry/wgpolicyk8s.io/policyreports/');
    if (keys !== reports.length) throw new Error(`etcd holds ${keys} report keys after compaction, expected ${reports.length}`);
    const peakRssBytes = peakRss(child.pid);
    return { version, write: write.figures, rewrite: rewrite.figures, afterWrite, afterRewrite, afterCompactDefrag, peakRssBytes };
  } finally {
    http.close();
    await child.stop();
  }
}

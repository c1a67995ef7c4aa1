/**
 * The "HTTP floor": the same writes as Docket gets (POST of each report's `doc` to its collection
 * path, same client code, same writers), answered by a Node HTTP server that does nothing but echo
 * the body (`echo`) or JSON.parse + JSON.stringify it (`parse`). No validation, no storage: the most
 * any Node server could reach with this client on this machine, measured in the same run as the
 * other halves so the write target can be read against it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnChild, waitUntil, type Child } from './child.ts';
import { createHttpClient, expectOk } from './http-client.ts';
import { runConcurrent } from './load.ts';
import { parseListeningUrl } from './docket-server.ts';
import { toCollectionPath } from './docket.ts';
import { toPhaseFigures, type PhaseFigures } from './stats.ts';
import type { BenchReport } from './reports.ts';
import type { Cleanup } from './cleanup.ts';

export type FloorMode = 'echo' | 'parse';

export interface FloorFigures {
  /** Body read and sent back unchanged. */
  echo: PhaseFigures;
  /** Body parsed and re-serialised: the least a JSON API does per write. */
  parse: PhaseFigures;
}

/** Untimed requests before each mode's timed pass (the floor is an upper bound, so it is measured warm). */
export const WARMUP_REQUESTS = 3000;

const SERVER_SCRIPT = fileURLToPath(new URL('./floor-server.mjs', import.meta.url));

/** Starts the floor server in `mode` on a kernel-chosen loopback port (logs in `dir`); stopped by `cleanup` or `child.stop()`. */
export async function startFloorServer(mode: FloorMode, dir: string, cleanup: Cleanup): Promise<{ child: Child; url: string }> {
  const logFile = join(dir, `floor-${mode}.log`);
  // spawnChild appends: start from an empty log so an earlier run's "listening" line is never read.
  writeFileSync(logFile, '');
  const child = spawnChild(process.execPath, [SERVER_SCRIPT, mode], logFile);
  cleanup.add(() => child.stop());
  let url: string | undefined;
  await waitUntil(child, `floor server (${mode})`, async () => (url = parseListeningUrl(readFileSync(logFile, 'utf8'))) !== undefined);
  return { child, url: url! };
}

/** Writes every report once to a fresh floor server in `mode`, exactly as the Docket half creates them. */
async function runMode(mode: FloorMode, dir: string, reports: readonly BenchReport[], writers: number, cleanup: Cleanup, log: (m: string) => void): Promise<PhaseFigures> {
  const { child, url } = await startFloorServer(mode, dir, cleanup);
  const http = createHttpClient(url, writers);
  try {
    const post = async (i: number): Promise<void> => {
      const r = reports[i]!;
      const res = expectOk(await http.send('POST', toCollectionPath(r.namespace), r.doc), `floor ${mode} ${r.namespace}/${r.name}`);
      // The whole body went through the server: a cut-short echo would make the floor look higher than it is.
      if (mode === 'echo' && res.body.length !== r.doc.length) throw new Error(`floor echo returned ${res.body.length} bytes, sent ${r.doc.length}`);
    };
    // A ceiling should be the warm rate: without this, a --quick run times mostly JIT warm-up and the
    // garbage left by generating the documents (about half the warm rate at 10k requests).
    const warmup = Math.min(WARMUP_REQUESTS, reports.length);
    log(`floor (${mode}) on ${url}: ${warmup} untimed warm-up requests, then ${reports.length} reports with ${writers} writers`);
    await runConcurrent(warmup, writers, post);
    const { latencies, wallMs } = await runConcurrent(reports.length, writers, post, (n) => log(`floor ${mode}: ${n}/${reports.length}`));
    return toPhaseFigures(latencies, wallMs);
  } finally {
    http.close();
    await child.stop();
  }
}

/** Runs both floor modes one after the other (each on its own fresh server process). */
export async function runFloor(dir: string, reports: readonly BenchReport[], writers: number, cleanup: Cleanup, log: (m: string) => void): Promise<FloorFigures> {
  const echo = await runMode('echo', dir, reports, writers, cleanup, log);
  const parse = await runMode('parse', dir, reports, writers, cleanup, log);
  return { echo, parse };
}

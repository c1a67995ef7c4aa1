/**
 * Starts `docket serve` as a child process on a free loopback port with the given store and waits
 * for its "listening on http://..." line (the CLI's startup contract).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild, waitUntil, type Child } from './child.ts';
import type { Cleanup } from './cleanup.ts';

export interface DocketServer {
  child: Child;
  url: string;
  logFile: string;
}

/** Pure: the base URL from the serve command's output, or undefined while it has not printed it. */
export function parseListeningUrl(output: string): string | undefined {
  return /listening on (http:\/\/[^\s,]+)/.exec(output)?.[1]?.replace(/\/$/, '');
}

/** `nodeArgs` go before the script (e.g. `--cpu-prof`); the server runs with its default settings otherwise. */
export async function startDocket(
  repoRoot: string, storeUrl: string, dir: string, cleanup: Cleanup, nodeArgs: string[] = [], serveArgs: string[] = [],
): Promise<DocketServer> {
  const logFile = join(dir, 'docket.log');
  const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');
  const child = spawnChild(process.execPath, [...nodeArgs, bin, 'serve', '--listen', '127.0.0.1:0', '--store', storeUrl, ...serveArgs], logFile);
  cleanup.add(() => child.stop());
  let url: string | undefined;
  try {
    await waitUntil(child, 'docket serve', async () => (url = parseListeningUrl(readFileSync(logFile, 'utf8'))) !== undefined, 60000);
  } catch (err) {
    const tail = readFileSync(logFile, 'utf8').slice(-2000);
    throw new Error(`${(err as Error).message}\n--- docket log (tail) ---\n${tail}`);
  }
  return { child, url: url!, logFile };
}

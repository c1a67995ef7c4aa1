/**
 * `docket publish` as a child process for the publisher bench: waits for the "metrics on URL"
 * line in its log and reads counters from its /metrics.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnChild, waitUntil } from './child.ts';

export interface PublishProcess {
  pid: number;
  metricsUrl: string;
  stop(): Promise<void>;
}

/** Pure: the metrics base URL from the publisher's banner, or undefined before it is printed. */
export function parseMetricsUrl(output: string): string | undefined {
  return /metrics on (http:\/\/\S+)\/metrics/.exec(output)?.[1];
}

export async function startPublishProcess(repoRoot: string, configPath: string, logFile: string): Promise<PublishProcess> {
  const child = spawnChild(process.execPath, [join(repoRoot, 'packages', 'cli', 'bin', 'docket.js'), 'publish', '--config', configPath], logFile);
  let url: string | undefined;
  try {
    await waitUntil(child, 'docket publish', async () => (url = parseMetricsUrl(readFileSync(logFile, 'utf8'))) !== undefined, 60_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- docket publish log (tail) ---\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
  }
  return { pid: child.pid, metricsUrl: url!, stop: () => child.stop() };
}

/** Sum of every series of a counter (optionally only lines passing `keep`). */
export async function counterSum(baseUrl: string, name: string, keep: (line: string) => boolean = () => true): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (keep(line)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** CPU seconds (user + system) a process has used so far, from /proc/PID/stat (Linux, 100 ticks/s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "(comm)": state is field 3 → utime (14) and stime (15) are at offsets 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Test support for the publisher end-to-end tests: run the real `docket publish` as a child
 * process, find its metrics URL (stdout banner) and the Falco port (its JSON log), read metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DOCKET_BIN } from '../support/docket.ts';

export interface Publisher {
  metricsUrl: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The Falco endpoint's bound port, from the producer's log line. */
  falcoPort(timeoutMs?: number): Promise<number>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Writes `config` as YAML into a fresh directory; returns the file path. */
export function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'docket-publish-'));
  const path = join(dir, 'publish.yaml');
  writeFileSync(path, stringify(config));
  return path;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts `docket publish --config PATH` and waits for its "running" banner. */
export function startPublisher(configPath: string, extra: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<Publisher> {
  const child = spawn(process.execPath, [DOCKET_BIN, 'publish', '--config', configPath, ...extra], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([exited, new Promise<never>((_, reject) => {
        timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`docket publish did not exit after ${signal}\n${stderr.slice(-3000)}`)); }, timeoutMs);
      })]);
    } finally {
      clearTimeout(timer);
    }
  };
  const falcoPort = (timeoutMs = 15_000) => waitFor('the falco endpoint', () => {
    const m = /"msg":"falco endpoint listening"/.test(stderr) ? /"port":(\d+)[^\n]*"msg":"falco endpoint listening"/.exec(stderr) : null;
    return m ? Number(m[1]) : undefined;
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`docket publish did not start\n${stdout}\n${stderr.slice(-3000)}`)); }, 30_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /metrics on (http:\/\/\S+)\/metrics/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ metricsUrl: m[1]!, child, stdout: () => stdout, stderr: () => stderr, falcoPort, stop });
      }
    });
    void exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`docket publish exited (${code}) before running\n${stdout}\n${stderr.slice(-3000)}`)); });
  });
}

/** Parses the Prometheus text format into `name{labels}` → value. */
export async function readMetrics(baseUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** The value of one series (0 when absent), e.g. metric(m, 'events_dropped_total', { adapter: 'hubble', reason: 'duplicate' }). */
export function metric(m: Map<string, number>, name: string, labels: Record<string, string>): number {
  const l = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
  const key = l ? `docket_publisher_${name}{${l}}` : `docket_publisher_${name}`;
  return m.get(key) ?? 0;
}

/**
 * Test support: the real kubectl (/usr/bin/kubectl) pointed at a Docket URL with no kubeconfig
 * and a fresh discovery cache, every call bounded by a timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, type RunResult } from './docket.ts';

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export interface Kubectl {
  /** Runs kubectl; resolves with its output whatever the exit code; rejects on timeout. */
  run(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Like run, but throws with the output unless kubectl exits 0. */
  ok(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<string>;
  /** Starts a long-running kubectl (e.g. get --watch); collects stdout. */
  start(args: string[]): { child: ChildProcess; output(): string; waitFor(re: RegExp, timeoutMs?: number): Promise<string> };
}

export function createKubectl(server: string): Kubectl {
  const cacheDir = mkdtempSync(join(tmpdir(), 'docket-kubectl-'));
  // No kubeconfig: every setting comes from flags; an empty KUBECONFIG keeps the user's out.
  const env = { ...process.env, KUBECONFIG: join(cacheDir, 'none'), HOME: cacheDir };
  const base = ['--server', server, '--cache-dir', cacheDir, '--request-timeout', '20s'];
  const run = (args: string[], opts: { input?: string; timeoutMs?: number } = {}) =>
    runProcess(KUBECTL, [...base, ...args], { env, input: opts.input, timeoutMs: opts.timeoutMs ?? 30_000 });
  return {
    run,
    async ok(args, opts) {
      const r = await run(args, opts);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      return r.stdout;
    },
    start(args) {
      const child = spawn(KUBECTL, [...base, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
      const waitFor = (re: RegExp, timeoutMs = 15_000) =>
        new Promise<string>((resolve, reject) => {
          const started = Date.now();
          const poll = setInterval(() => {
            if (re.test(out)) {
              clearInterval(poll);
              resolve(out);
            } else if (Date.now() - started > timeoutMs || child.exitCode !== null) {
              clearInterval(poll);
              reject(new Error(`kubectl ${args.join(' ')}: no output matching ${re} within ${timeoutMs} ms (exit ${child.exitCode})\n${out}`));
            }
          }, 50);
        });
      return { child, output: () => out, waitFor };
    },
  };
}

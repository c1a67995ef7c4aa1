/**
 * Test support: run the real `docket` command as a child process. `startDocket` waits for the
 * "listening on URL" line and returns the URL; every wait is bounded so a hang fails the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const DOCKET_BIN = fileURLToPath(new URL('../../packages/cli/bin/docket.js', import.meta.url));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a command to completion (killing it after the timeout) and collects its output. */
export function runProcess(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms: ${cmd} ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // the child may exit before reading its input
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs `docket ARGS` to completion. */
export function runDocket(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return runProcess(process.execPath, [DOCKET_BIN, ...args], opts);
}

export interface DocketServer {
  /** Base URL parsed from the startup line, e.g. http://127.0.0.1:40123. */
  url: string;
  /** The startup line as printed. */
  banner: string;
  child: ChildProcess;
  /** Everything written to stderr so far (JSON logs). */
  stderr(): string;
  /** Sends a signal and waits for the process to end. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `docket serve ARGS` (add --listen 127.0.0.1:0 yourself) and waits until it listens. */
export function startDocket(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<DocketServer> {
  const child = spawn(process.execPath, [DOCKET_BIN, 'serve', ...args], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`docket serve did not exit within ${timeoutMs} ms after ${signal}\n${stderr.slice(-2000)}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`docket serve did not print its URL within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr.slice(-3000)}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /^(Docket API server listening on (http:\/\/\S+) .*)$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[2]!, banner: m[1]!, child, stderr: () => stderr, stop });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`docket serve exited (${code ?? signal}) before listening\nstdout: ${stdout}\nstderr: ${stderr.slice(-3000)}`));
    });
  });
}

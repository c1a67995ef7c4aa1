/**
 * Spawning the systems under test as child processes with their logs in a file, and stopping
 * them by pid (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export function spawnChild(cmd: string, args: string[], logFile: string, env?: NodeJS.ProcessEnv): Child {
  const fd = openSync(logFile, 'a');
  const proc = spawn(cmd, args, { stdio: ['ignore', fd, fd], env: env ?? process.env });
  closeSync(fd);
  if (proc.pid === undefined) throw new Error(`could not start ${cmd}`);
  const exited = new Promise<string>((resolve) => {
    proc.on('exit', (code, signal) => resolve(signal ?? String(code)));
    proc.on('error', (err) => resolve(`error: ${err.message}`));
  });
  let stopping: Promise<void> | undefined;
  return {
    proc,
    pid: proc.pid,
    exited,
    stop() {
      stopping ??= (async () => {
        if (proc.exitCode !== null || proc.signalCode !== null) return;
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes; fails early if the child exits. */
export async function waitUntil(child: Child, what: string, check: () => Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedWith: string | undefined;
  void child.exited.then((c) => (exitedWith = c));
  while (Date.now() < deadline) {
    if (exitedWith !== undefined) throw new Error(`${what} exited (${exitedWith}) before it was ready`);
    try {
      if (await check()) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms`);
}

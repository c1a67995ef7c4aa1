/**
 * A last-in-first-out list of cleanup steps (child processes, temp dirs) that runs once, on
 * normal exit, on error and on Ctrl-C/SIGTERM, so the benchmark never leaves etcd or a server behind.
 */
export interface Cleanup {
  /** Registers a step; steps run in reverse order of registration. */
  add(step: () => Promise<void> | void): void;
  /** Runs every registered step once; later calls are no-ops. Errors are logged, not thrown. */
  run(): Promise<void>;
}

export function createCleanup(log: (msg: string) => void): Cleanup {
  const steps: Array<() => Promise<void> | void> = [];
  let done = false;
  return {
    add(step) {
      steps.push(step);
    },
    async run() {
      if (done) return;
      done = true;
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (err) {
          log(`cleanup step failed: ${(err as Error).message}`);
        }
      }
    },
  };
}

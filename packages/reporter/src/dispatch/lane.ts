/**
 * One target's sleep/wake point: its send slots wait here for a wake-up, a timer or the stop.
 */
export interface Lane {
  /** Resolves after `ms`, or earlier on wake() or close(). */
  sleep(ms: number): Promise<void>;
  wake(): void;
  /** Wakes every sleeper for good. */
  close(): void;
}

export function createLane(): Lane {
  const sleepers = new Set<() => void>();
  let closed = false;
  const wakeAll = (): void => {
    const all = [...sleepers];
    sleepers.clear();
    for (const w of all) w();
  };
  return {
    sleep(ms) {
      if (closed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => { clearTimeout(timer); sleepers.delete(done); resolve(); };
        const timer = setTimeout(done, Math.max(0, ms));
        sleepers.add(done);
      });
    },
    wake: wakeAll,
    close() { closed = true; wakeAll(); },
  };
}

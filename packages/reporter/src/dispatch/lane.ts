/**
 * One target's sleep/wake point: its send slots wait here for a wake-up, a timer or the stop.
 * Wake-ups are counted, so one that lands while a slot is busy (between its claim and its sleep)
 * is not lost: the slot passes the count it saw before claiming and does not sleep if it moved.
 */
export interface Lane {
  /** The wake-up count now; pass it to sleep(). */
  seen(): number;
  /** Resolves after `ms`, or earlier on wake() or close(); at once if woken since `since`. */
  sleep(ms: number, since?: number): Promise<void>;
  wake(): void;
  /** Wakes every sleeper for good. */
  close(): void;
}

export function createLane(): Lane {
  const sleepers = new Set<() => void>();
  let closed = false;
  let wakes = 0;
  const wakeAll = (): void => {
    wakes++;
    const all = [...sleepers];
    sleepers.clear();
    for (const w of all) w();
  };
  return {
    seen: () => wakes,
    sleep(ms, since) {
      if (closed || (since !== undefined && since !== wakes)) return Promise.resolve();
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

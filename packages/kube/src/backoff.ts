/**
 * Bounded exponential backoff with full jitter, and a sleep that an AbortSignal cuts short. Pure
 * apart from the injected random source.
 */

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor?: number;
}

/** Delay before retry number `attempt` (0-based): random in [d/2, d], d = min(max, initial·factor^attempt). */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const d = Math.min(opts.maxMs, opts.initialMs * (opts.factor ?? 2) ** Math.max(0, attempt));
  return Math.round(d / 2 + (random() * d) / 2);
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

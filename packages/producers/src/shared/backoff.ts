import { z } from 'zod';

export const backoffSchema = z.strictObject({
  /** First wait after a stream ends, in milliseconds. */
  initialMs: z.number().int().positive().default(500),
  /** Upper bound of a wait. */
  maxMs: z.number().int().positive().default(30_000),
  multiplier: z.number().min(1).default(2),
  /** Fraction of the wait randomised (0.2 = ±20%) so replicas do not reconnect in lockstep. */
  jitter: z.number().min(0).max(1).default(0.2),
});

export type BackoffConfig = z.infer<typeof backoffSchema>;

export const DEFAULT_BACKOFF: BackoffConfig = Object.freeze(backoffSchema.parse({}));

/** The wait before reconnect attempt `attempt` (0-based): exponential, capped, with jitter. */
export function backoffDelay(config: BackoffConfig, attempt: number, random: () => number): number {
  const base = Math.min(config.maxMs, config.initialMs * config.multiplier ** attempt);
  const spread = base * config.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/** A timer-based sleep that ends early (resolving) when the signal aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => { clearTimeout(timer); resolve(); };
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

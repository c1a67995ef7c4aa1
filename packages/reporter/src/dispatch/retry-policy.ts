/**
 * Pure decisions after a failed send: what the error means, and when to try again (exponential
 * backoff with full jitter, or the server's Retry-After when it gave one).
 */
import { SendError } from '@docket/targets';

export interface BackoffOptions {
  /** Ceiling of the first retry delay. */
  baseMs: number;
  /** Largest delay. */
  maxMs: number;
  /** Longest Retry-After honoured (a server asking for a day is capped). */
  maxRetryAfterMs: number;
}

export interface FailureInfo {
  retryable: boolean;
  message: string;
  retryAfterMs?: number;
  status?: number;
  /** Result ids the target did NOT accept (partial success of a batch); undefined = all failed. */
  failedResultIds?: ReadonlySet<string>;
}

/** Reads any thrown value; errors that are not SendErrors are treated as retryable. */
export function classifyFailure(err: unknown): FailureInfo {
  if (err instanceof SendError) {
    const info: FailureInfo = { retryable: err.retryable, message: err.message };
    if (err.retryAfterMs !== undefined) info.retryAfterMs = err.retryAfterMs;
    if (err.status !== undefined) info.status = err.status;
    if (err.failedResultIds !== undefined) info.failedResultIds = new Set(err.failedResultIds);
    return info;
  }
  // A bug or an unexpected throw inside a target: retry, and the attempt limit bounds it.
  return { retryable: true, message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}

/**
 * Delay before the next attempt, `attempts` being the attempts made so far (≥ 1). Full jitter:
 * uniform in [0, min(max, base·2^(attempts-1))], so retrying senders spread out. A Retry-After
 * wins when present; a 429 without one waits at least `baseMs`.
 */
export function retryDelayMs(attempts: number, failure: Pick<FailureInfo, 'retryAfterMs' | 'status'>, o: BackoffOptions, random: () => number): number {
  if (failure.retryAfterMs !== undefined) return Math.min(Math.max(0, failure.retryAfterMs), o.maxRetryAfterMs);
  const ceiling = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(Math.max(0, attempts - 1), 40));
  const delay = Math.floor(random() * ceiling);
  return failure.status === 429 ? Math.max(delay, o.baseMs) : delay;
}

/** Error text kept as a delivery's last error: bounded, so one huge response body cannot bloat rows. */
export function lastErrorText(message: string, max = 1000): string {
  return message.length > max ? `${message.slice(0, max)}…` : message;
}

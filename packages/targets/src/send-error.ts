/**
 * The one error targets throw. The dispatcher reads `retryable` and `retryAfterMs` to schedule the
 * next attempt or dead-letter the delivery with `message` as the last error.
 */
export class SendError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly status?: number;
  /**
   * For multi-item requests that partly succeeded (Elasticsearch `_bulk`): the result ids that
   * were NOT accepted. Absent means the whole batch failed.
   */
  readonly failedResultIds?: readonly string[];
  constructor(message: string, options: { retryable: boolean; retryAfterMs?: number; status?: number; failedResultIds?: readonly string[]; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SendError';
    this.retryable = options.retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.status !== undefined) this.status = options.status;
    if (options.failedResultIds !== undefined) this.failedResultIds = options.failedResultIds;
  }
}

/**
 * Parses an HTTP `Retry-After` value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 * Returns the wait in milliseconds (never negative) or `undefined` when absent or malformed.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Fractional seconds are not in the RFC but some services (Discord's header, Slack) send them.
  if (/^\d+\.\d+$/.test(v)) return Math.ceil(Number(v) * 1000);
  // Only accept IMF-fixdate-like strings with a weekday or month name; Date.parse alone accepts "1" etc.
  if (!/[A-Za-z]{3}/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Whether an HTTP status is worth retrying: 408, 425, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Turns a non-2xx response into a classified `SendError` (body excerpt kept for the dead-letter list). */
export function toSendError(target: string, status: number, body: string, retryAfter: string | null, nowMs: number): SendError {
  const excerpt = body.length > 300 ? `${body.slice(0, 300)}…` : body;
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter, nowMs) : undefined;
  return new SendError(`${target}: HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`, {
    retryable: isRetryableStatus(status),
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** Classifies a thrown fetch error: aborts and network failures are retryable. */
export function fromFetchError(target: string, err: unknown): SendError {
  if (err instanceof SendError) return err;
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  // Global fetch wraps the socket error in `cause`; node:http(s) throws it directly.
  const detail = e.cause?.code ?? e.cause?.message ?? e.code ?? e.message ?? String(err);
  const what = e.name === 'AbortError' || e.name === 'TimeoutError' ? 'request aborted' : 'network error';
  return new SendError(`${target}: ${what}: ${detail}`, { retryable: true, cause: err });
}

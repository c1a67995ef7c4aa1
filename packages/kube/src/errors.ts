/**
 * One place that turns client-node failures (ApiException with a Status body, node-fetch network
 * errors) into Docket's typed errors, so callers branch on `instanceof ConflictError` rather than
 * on HTTP codes and strings.
 */
import {
  AlreadyExistsError, BadRequestError, ConflictError, DocketError, GoneError, InvalidError, NotFoundError, UnavailableError,
} from '@docket/model';

/** An HTTP failure with no Docket equivalent (401, 403, 405, ...); not retryable. */
export class KubeRequestError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.name = 'KubeRequestError';
    this.status = status;
    this.reason = reason;
  }
}

interface StatusBody {
  kind?: string;
  reason?: string;
  message?: string;
  code?: number;
}

function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return parseStatus(JSON.parse(body));
    } catch {
      return { message: body.slice(0, 300) };
    }
  }
  return body && typeof body === 'object' ? (body as StatusBody) : {};
}

/** Maps an HTTP status and Status body to a typed error. */
export function errorForStatus(code: number, body: unknown): DocketError | KubeRequestError {
  const status = parseStatus(body);
  const message = status.message || `HTTP ${code}`;
  if (code === 404) return new NotFoundError(message);
  if (code === 409) return status.reason === 'AlreadyExists' ? new AlreadyExistsError(message) : new ConflictError(message);
  if (code === 410) return new GoneError(message);
  if (code === 422) return new InvalidError(message);
  if (code === 400) return new BadRequestError(message);
  if (code === 429 || code >= 500) return new UnavailableError(`${message} (HTTP ${code})`);
  return new KubeRequestError(code, status.reason ?? '', message);
}

/** Converts whatever a client-node call threw; errors that are already typed pass through. */
export function toKubeError(e: unknown): Error {
  if (e instanceof DocketError || e instanceof KubeRequestError) return e;
  const err = e as { code?: unknown; body?: unknown; name?: string; type?: string; message?: string };
  // client-node's ApiException: numeric HTTP `code` plus the raw body.
  if (e instanceof Error && typeof err.code === 'number' && err.code >= 100 && err.code < 600) return errorForStatus(err.code, err.body);
  // node-fetch FetchError (ECONNREFUSED, ECONNRESET, socket hang up) and aborted sockets.
  if (e instanceof Error && (err.name === 'FetchError' || err.type === 'system' || typeof err.code === 'string')) {
    return new UnavailableError(`request failed: ${e.message}`);
  }
  return e instanceof Error ? e : new Error(String(e));
}

/** Whether retrying the same request later may succeed (5xx, 429, network). */
export function isRetryable(e: unknown): boolean {
  return e instanceof UnavailableError;
}

/**
 * A minimal client for the Docket (Kubernetes-style) API over global fetch: JSON in, JSON out,
 * `Status` bodies turned into `ApiError`s that carry the server's message.
 */

export interface ApiResponse {
  status: number;
  body: unknown;
}

/** A non-2xx answer; `message` is the server's Status message when it sent one. */
export class ApiError extends Error {
  readonly status: number;
  /** Kubernetes Status reason (`NotFound`, `AlreadyExists`, `Conflict`, `Invalid`…), '' when absent. */
  readonly reason: string;
  constructor(status: number, reason: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.reason = reason;
  }
}

/** The server could not be reached at all (refused, DNS, reset). */
export class UnreachableError extends Error {
  constructor(server: string, cause: unknown) {
    super(`cannot reach the Docket API at ${server}: ${describeCause(cause)}`);
    this.name = 'UnreachableError';
  }
}

export interface ApiClient {
  readonly server: string;
  /** Sends a request; resolves for 2xx, throws ApiError for anything else. */
  request(method: string, path: string, body?: unknown): Promise<ApiResponse>;
}

export interface ApiClientDeps {
  server: string;
  fetch: typeof globalThis.fetch;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
}

export function createApiClient(deps: ApiClientDeps): ApiClient {
  const base = deps.server.replace(/\/+$/, '');
  const timeoutMs = deps.timeoutMs ?? 30_000;
  return {
    server: base,
    async request(method, path, body) {
      let res: Response;
      try {
        res = await deps.fetch(base + path, {
          method,
          headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        throw new UnreachableError(base, e);
      }
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Not JSON: keep the text for the error message.
      }
      if (res.status >= 200 && res.status < 300) return { status: res.status, body: parsed };
      throw toApiError(res.status, parsed);
    },
  };
}

function toApiError(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status') {
    const s = body as { reason?: unknown; message?: unknown };
    return new ApiError(status, typeof s.reason === 'string' ? s.reason : '', typeof s.message === 'string' ? s.message : `HTTP ${status}`);
  }
  const text = typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body ?? '').slice(0, 200);
  return new ApiError(status, '', `HTTP ${status}${text ? `: ${text}` : ''}`);
}

function describeCause(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code ?? cause?.message) return (cause.code ?? cause.message)!;
  if (e instanceof Error) return e.name === 'TimeoutError' ? 'timed out' : e.message;
  return String(e);
}

import { fromFetchError, isRetryableStatus, parseRetryAfter, SendError } from '../send-error.ts';

/**
 * S3 error codes worth another attempt although their HTTP status says "client error":
 * RequestTimeout (400: the socket stalled), RequestTimeTooSkewed (403: the SDK has corrected its
 * clock offset by now, so the next attempt signs with the right time) and throttling codes that
 * S3-compatible servers answer with 4xx.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
const RETRYABLE_CODES = new Set([
  'RequestTimeout', 'RequestTimeTooSkewed', 'SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException',
  'RequestLimitExceeded', 'ServiceUnavailable', 'InternalError',
]);

/** What the SDK's errors carry (duck-typed, so this module does not load the SDK). */
interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
  /** Set when the answer was not an S3 XML error (a proxy's HTML page, an empty 503…). */
  $responseBodyText?: string;
}

/** Names the SDK uses when the answer named no error code. */
const NO_CODE = new Set(['Error', 'Unknown', 'UnknownError']);

/** `Code: message` of an S3 XML error, or an excerpt of a body that was not one. */
function errorDetail(e: SdkErrorLike): string {
  if (typeof e.$responseBodyText === 'string') {
    const body = e.$responseBodyText.trim();
    return body.length > 300 ? `${body.slice(0, 300)}…` : body;
  }
  const code = e.name && !NO_CODE.has(e.name) ? e.name : e.code;
  const message = e.message && !NO_CODE.has(e.message) && e.message !== code ? e.message : undefined;
  return [code, message].filter(Boolean).join(': ');
}

/** Reads a header from the SDK's raw response, whatever its case. */
function header(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/**
 * Turns whatever `S3Client.send` threw into a classified `SendError`: an S3 error answer keeps its
 * HTTP status and names the S3 error code (AccessDenied, NoSuchBucket…); 5xx, 429 and throttling
 * are retryable, other 4xx are not; Retry-After is honoured on 429/503. Errors without an HTTP
 * answer (refused connection, DNS, abort, credentials that could not be fetched from STS or the
 * Pod Identity agent) are retryable: the cause may be gone on the next attempt.
 */
export function classifyS3Error(target: string, err: unknown, nowMs: number): SendError {
  if (err instanceof SendError) return err;
  const e = (err ?? {}) as SdkErrorLike;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  if (status === undefined) {
    if (e.name === 'CredentialsProviderError') {
      return new SendError(`${target}: could not load AWS credentials: ${e.message ?? 'unknown reason'}`, { retryable: true, cause: err });
    }
    return fromFetchError(target, err);
  }
  const code = typeof e.$responseBodyText === 'string' ? undefined : e.name ?? e.code;
  const retryable = isRetryableStatus(status) || e.$retryable !== undefined || (code !== undefined && RETRYABLE_CODES.has(code));
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(header(e.$response?.headers, 'retry-after'), nowMs) : undefined;
  const detail = errorDetail(e);
  return new SendError(`${target}: HTTP ${status}${detail ? `: ${detail}` : ''}`, {
    retryable, status, cause: err,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

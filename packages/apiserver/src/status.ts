/**
 * The one place that maps errors to the wire: every failure the API answers is a Kubernetes
 * `Status` object (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/).
 */
import { isDocketError, type DocketError, type FieldCause } from '@docket/model';

export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
}

/** A `meta/v1 Status` body. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** Builds a Failure Status for a typed Docket error. */
export function toStatus(err: DocketError): KubeStatus {
  const details: StatusDetails = {};
  if (err.subject.name !== undefined) details.name = err.subject.name;
  if (err.subject.group !== undefined) details.group = err.subject.group;
  if (err.subject.kind !== undefined) details.kind = err.subject.kind;
  if (err.causes.length > 0) details.causes = err.causes.map(toCause);
  return failureStatus(err.status, err.reason, err.message, details);
}

function toCause(c: FieldCause): StatusCause {
  return { reason: c.reason, message: c.message, field: c.field };
}

export function failureStatus(code: number, reason: string, message: string, details?: StatusDetails): KubeStatus {
  const s: KubeStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details && Object.keys(details).length > 0) s.details = details;
  return s;
}

export function successStatus(details?: StatusDetails): KubeStatus {
  const s: KubeStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', message: '', reason: '', code: 200 };
  if (details) s.details = details;
  return s;
}

/** Kubernetes' reason for a bare HTTP status code, for errors that carry no reason of their own. */
const REASONS: Record<number, string> = {
  400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed',
  406: 'NotAcceptable', 409: 'Conflict', 410: 'Expired', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType',
  422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout',
};

/** Fastify's own 4xx errors (body too large, bad media type, ...) carry `statusCode` and `code`. */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message: string;
}

/**
 * Maps any thrown value to `[httpStatus, Status]`. Unexpected errors become a generic 500 whose
 * message leaks nothing; the caller logs the original with its stack.
 */
export function statusFor(err: unknown): { status: KubeStatus; unexpected: boolean } {
  if (isDocketError(err)) return { status: toStatus(err), unexpected: false };
  const fe = err as FrameworkError;
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return { status: failureStatus(413, 'RequestEntityTooLarge', 'the request body is too large'), unexpected: false };
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return { status: failureStatus(415, 'UnsupportedMediaType', fe.message), unexpected: false };
    }
    const code = fe.statusCode;
    return { status: failureStatus(code, REASONS[code] ?? 'BadRequest', fe.message), unexpected: false };
  }
  return {
    status: failureStatus(500, 'InternalError', 'Internal error occurred: an unexpected error happened while serving the request'),
    unexpected: true,
  };
}

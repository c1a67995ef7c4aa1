/**
 * Typed errors shared by every layer. Core, model and store throw these; exactly one place
 * (the API server's error handler) maps them to Kubernetes `Status` bodies, and the CLI maps
 * them to exit messages. Each carries a stable `code` that tests and callers match on.
 */

/** One field-level problem, in the shape of a Kubernetes `StatusCause`. */
export interface FieldCause {
  /** Kubernetes cause reason, e.g. `FieldValueRequired`, `FieldValueNotSupported`, `FieldValueInvalid`, `FieldValueDuplicate`, `FieldValueTooLong`. */
  reason: string;
  /** Human message, e.g. `Unsupported value: "maybe": supported values: "pass", "fail"`. */
  message: string;
  /** Field path in Kubernetes notation, e.g. `results[3].result` or `metadata.name`. */
  field: string;
}

/** Identifies the object an error is about, as in `Status.details`. */
export interface ErrorSubject {
  group?: string;
  /** Plural resource name, e.g. `policyreports`. */
  kind?: string;
  name?: string;
}

export abstract class DocketError extends Error {
  abstract readonly code: string;
  /** HTTP status the API maps this error to. */
  abstract readonly status: number;
  /** Kubernetes `Status.reason`. */
  abstract readonly reason: string;
  readonly subject: ErrorSubject;
  readonly causes: FieldCause[];
  constructor(message: string, subject: ErrorSubject = {}, causes: FieldCause[] = []) {
    super(message);
    this.name = new.target.name;
    this.subject = subject;
    this.causes = causes;
  }
}

export class NotFoundError extends DocketError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
  readonly reason = 'NotFound';
}

export class AlreadyExistsError extends DocketError {
  readonly code = 'ALREADY_EXISTS';
  readonly status = 409;
  readonly reason = 'AlreadyExists';
}

/** Optimistic-concurrency failure (stale resourceVersion or uid precondition). */
export class ConflictError extends DocketError {
  readonly code = 'CONFLICT';
  readonly status = 409;
  readonly reason = 'Conflict';
}

/** The object (or patch) is invalid; `causes` name every offending field. */
export class InvalidError extends DocketError {
  readonly code = 'INVALID';
  readonly status = 422;
  readonly reason = 'Invalid';
}

/** Malformed request: undecodable body, bad query parameter, wrong kind for the URL. */
export class BadRequestError extends DocketError {
  readonly code = 'BAD_REQUEST';
  readonly status = 400;
  readonly reason = 'BadRequest';
}

/** The requested resourceVersion or continue token has been compacted away. */
export class GoneError extends DocketError {
  readonly code = 'GONE';
  readonly status = 410;
  readonly reason = 'Expired';
}

export class TooLargeError extends DocketError {
  readonly code = 'TOO_LARGE';
  readonly status = 413;
  readonly reason = 'RequestEntityTooLarge';
}

export class UnsupportedMediaTypeError extends DocketError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly status = 415;
  readonly reason = 'UnsupportedMediaType';
}

export class MethodNotAllowedError extends DocketError {
  readonly code = 'METHOD_NOT_ALLOWED';
  readonly status = 405;
  readonly reason = 'MethodNotAllowed';
}

/** The store is unreachable or timed out; retrying may succeed. */
export class UnavailableError extends DocketError {
  readonly code = 'UNAVAILABLE';
  readonly status = 503;
  readonly reason = 'ServiceUnavailable';
}

export function isDocketError(e: unknown): e is DocketError {
  return e instanceof DocketError;
}

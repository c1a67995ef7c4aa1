/**
 * Kubernetes-worded store errors. Messages match kube-apiserver's so kubectl output and client
 * retry logic (which sometimes matches on text) behave the same against Docket.
 */
import { AlreadyExistsError, ConflictError, GoneError, NotFoundError } from '@docket/model';
import type { ErrorSubject } from '@docket/model';

interface KeyLike { group: string; resource: string; name: string }

/** `policyreports.wgpolicyk8s.io`, or just the plural for the core group. */
export function groupResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

function subjectOf(key: KeyLike): ErrorSubject {
  return { group: key.group, kind: key.resource, name: key.name };
}

export function notFound(key: KeyLike): NotFoundError {
  return new NotFoundError(`${groupResource(key.group, key.resource)} "${key.name}" not found`, subjectOf(key));
}

export function alreadyExists(key: KeyLike): AlreadyExistsError {
  return new AlreadyExistsError(`${groupResource(key.group, key.resource)} "${key.name}" already exists`, subjectOf(key));
}

/** Stale resourceVersion on update/delete. */
export function conflict(key: KeyLike): ConflictError {
  return new ConflictError(
    `Operation cannot be fulfilled on ${groupResource(key.group, key.resource)} "${key.name}": the object has been modified; please apply your changes to the latest version and try again`,
    subjectOf(key),
  );
}

/** A delete precondition did not hold (kube words these as a Conflict too). */
export function preconditionFailed(key: KeyLike, what: 'UID' | 'ResourceVersion', expected: string, actual: string): ConflictError {
  return new ConflictError(
    `Operation cannot be fulfilled on ${groupResource(key.group, key.resource)} "${key.name}": Precondition failed: ${what} in precondition: ${expected}, ${what} in object meta: ${actual}`,
    subjectOf(key),
  );
}

export const CONTINUE_EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

export function continueExpired(): GoneError {
  return new GoneError(CONTINUE_EXPIRED_MESSAGE);
}

/** A watch or Exact list asked for a resourceVersion that was compacted away. */
export function tooOldResourceVersion(requested: number, oldest: number): GoneError {
  return new GoneError(`too old resource version: ${requested} (${oldest})`);
}

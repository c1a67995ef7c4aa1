/**
 * Kubernetes object-lifecycle rules as pure functions, shared by every engine: what create stamps,
 * what update preserves, when generation moves, and how finalizers turn a delete into a mark.
 * Engines only add persistence and the resourceVersion.
 */
import { randomUUID, randomInt } from 'node:crypto';
import { InvalidError } from '@docket/model';
import type { ObjectMeta, ReportObject } from '@docket/model';
import type { DeleteOptions, ObjectKey } from '../types.ts';
import { jsonEqual } from './canonical.ts';
import { preconditionFailed } from './errors.ts';

/** kube's name-generator alphabet: no vowels (no words) and no look-alike characters. */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_NAME_LENGTH = 253;

/** RFC 3339 with seconds precision, as kube renders metav1.Time. */
export function toRfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function randomSuffix(length = 5): string {
  let s = '';
  for (let i = 0; i < length; i++) s += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return s;
}

/** The name a create will use: the key's, the body's, or generateName plus a random suffix. */
export function resolveName(key: ObjectKey, obj: ReportObject): string {
  const name = key.name || obj.metadata?.name;
  if (name) return name;
  const prefix = obj.metadata?.generateName;
  if (!prefix) {
    throw new InvalidError('metadata.name: Required value: name or generateName is required', { group: key.group, kind: key.resource }, [
      { reason: 'FieldValueRequired', message: 'name or generateName is required', field: 'metadata.name' },
    ]);
  }
  return prefix.slice(0, MAX_NAME_LENGTH - 5) + randomSuffix();
}

/** Rebuilds metadata in kube's field order, dropping empty values. */
export function orderMeta(m: ObjectMeta): ObjectMeta {
  const out: ObjectMeta = {};
  const keys: (keyof ObjectMeta)[] = [
    'name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
    'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
  ];
  for (const k of keys) {
    const v = m[k];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

function withMeta(obj: ReportObject, metadata: ObjectMeta): ReportObject {
  const { apiVersion, kind, metadata: _old, ...rest } = obj;
  return { apiVersion, kind, metadata: orderMeta(metadata), ...rest };
}

/** The object as create stores it (without resourceVersion, which the engine assigns). */
export function prepareCreate(key: ObjectKey, obj: ReportObject, name: string, now: Date): ReportObject {
  const m = obj.metadata ?? {};
  return withMeta(obj, {
    ...m,
    name,
    namespace: key.namespace || undefined,
    uid: randomUUID(),
    resourceVersion: undefined,
    generation: 1,
    creationTimestamp: toRfc3339(now),
    deletionTimestamp: undefined,
    deletionGracePeriodSeconds: undefined,
  });
}

export type UpdatePlan =
  | { action: 'noop'; object: ReportObject }
  | { action: 'write'; object: ReportObject }
  | { action: 'delete'; object: ReportObject };

function withoutMeta(obj: ReportObject): Omit<ReportObject, 'metadata'> {
  const { metadata: _m, ...rest } = obj;
  return rest;
}

function comparable(obj: ReportObject): ReportObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } };
}

/**
 * Plans an update of `existing` with `incoming`: identity fields are kept from the stored object,
 * generation moves only when something outside metadata changed, an update that changes nothing
 * is a no-op (kube does not write or bump the resourceVersion then), and removing the last
 * finalizer of an object being deleted deletes it.
 */
export function planUpdate(key: ObjectKey, existing: ReportObject, incoming: ReportObject): UpdatePlan {
  const old = existing.metadata;
  const m = incoming.metadata ?? {};
  if (m.uid && old.uid && m.uid !== old.uid) throw preconditionFailed(key, 'UID', m.uid, old.uid);
  if (old.deletionTimestamp) {
    const before = new Set(old.finalizers ?? []);
    const added = (m.finalizers ?? []).filter((f) => !before.has(f));
    if (added.length > 0) {
      throw new InvalidError(`metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        { group: key.group, kind: key.resource, name: key.name },
        [{ reason: 'FieldValueForbidden', message: 'no new finalizers can be added if the object is being deleted', field: 'metadata.finalizers' }]);
    }
  }
  const specChanged = !jsonEqual(withoutMeta(existing), withoutMeta(incoming));
  const next = withMeta(incoming, {
    ...m,
    name: old.name,
    generateName: old.generateName,
    namespace: old.namespace,
    uid: old.uid,
    resourceVersion: old.resourceVersion,
    generation: (old.generation ?? 1) + (specChanged ? 1 : 0),
    creationTimestamp: old.creationTimestamp,
    deletionTimestamp: old.deletionTimestamp,
    deletionGracePeriodSeconds: old.deletionGracePeriodSeconds,
  });
  if (old.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) return { action: 'delete', object: next };
  if (jsonEqual(comparable(next), comparable(existing))) return { action: 'noop', object: existing };
  return { action: 'write', object: next };
}

export type DeletePlan =
  | { action: 'delete'; object: ReportObject }
  | { action: 'mark'; object: ReportObject }
  | { action: 'noop'; object: ReportObject };

/** Checks DeleteOptions preconditions; throws ConflictError when one does not hold. */
export function checkDeletePreconditions(key: ObjectKey, existing: ReportObject, opts: DeleteOptions): void {
  const m = existing.metadata;
  if (opts.expectedUid !== undefined && opts.expectedUid !== m.uid) throw preconditionFailed(key, 'UID', opts.expectedUid, m.uid ?? '');
  if (opts.expectedResourceVersion !== undefined && opts.expectedResourceVersion !== m.resourceVersion) {
    throw preconditionFailed(key, 'ResourceVersion', opts.expectedResourceVersion, m.resourceVersion ?? '');
  }
}

/** Finalizers pending → mark (deletionTimestamp, generation+1) once; otherwise delete. */
export function planDelete(existing: ReportObject, now: Date): DeletePlan {
  const m = existing.metadata;
  if ((m.finalizers ?? []).length === 0) return { action: 'delete', object: existing };
  if (m.deletionTimestamp) return { action: 'noop', object: existing };
  return {
    action: 'mark',
    object: withMeta(existing, {
      ...m,
      generation: (m.generation ?? 1) + 1,
      deletionTimestamp: toRfc3339(now),
      deletionGracePeriodSeconds: 0,
    }),
  };
}

/** A copy of `obj` carrying `rv` as its resourceVersion. */
export function withResourceVersion(obj: ReportObject, rv: number | string): ReportObject {
  return { ...obj, metadata: orderMeta({ ...obj.metadata, resourceVersion: String(rv) }) };
}

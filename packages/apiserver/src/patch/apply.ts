/**
 * Server-side apply (`application/apply-patch+yaml`): merges an applied configuration into the
 * live object and tracks ownership per field manager, following kube's rules:
 *
 * - the applier comes to own exactly the fields of its configuration;
 * - a field another manager owns with a different value is a conflict: 409 with one cause per
 *   field (reason FieldManagerConflict), unless `force` moves the field to the applier;
 * - fields the applier owned before and leaves out now are removed, unless someone else owns them;
 * - applying to a missing object creates it; an object without managedFields is first attributed
 *   to a `before-first-apply` Update manager, so its existing fields are not silently taken over.
 */
import { BadRequestError, ConflictError, type FieldCause, type ManagedFieldsEntry } from '@docket/model';
import {
  FieldSet, fieldSetOf, itemElement, jsonEqual, listStrategy, pathString, removeAt, valueAt, type FieldPath, type Json,
} from './field-set.ts';
import { decodeManagedFields, encodeManagedFields, managedTime, sameManager, type Manager } from './managed-fields.ts';

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface ApplyInput {
  /** The live object in the request's version, or undefined when it does not exist yet. */
  live: Json | undefined;
  /** The applied configuration (the parsed YAML/JSON body). */
  applied: unknown;
  /** The `fieldManager` query parameter (required for apply; the caller rejects its absence). */
  manager: string;
  force: boolean;
  /** The request's apiVersion (`group/version`). */
  apiVersion: string;
  now: Date;
}

export interface ApplyResult {
  /** The merged object, with metadata.managedFields updated. */
  object: Json;
  /** False when the apply changed nothing (managedFields are then returned untouched). */
  changed: boolean;
}

/** Fields that merge as a unit (objects recurse; lists follow their strategy). */
function merge(live: unknown, applied: unknown, names: string[]): unknown {
  if (isObject(applied)) {
    const out: Json = isObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(applied)) out[k] = merge(out[k], v, [...names, k]);
    return out;
  }
  if (Array.isArray(applied)) {
    const s = listStrategy(names);
    if (s.type === 'atomic' || !Array.isArray(live)) return structuredClone(applied);
    const out = [...live];
    for (const item of applied) {
      const el = itemElement(item, s);
      const i = out.findIndex((x) => itemElement(x, s) === el);
      if (i < 0) out.push(structuredClone(item));
      else out[i] = s.type === 'map' ? merge(out[i], item, names) : item;
    }
    return out;
  }
  return structuredClone(applied);
}

function checkApplied(applied: unknown, live: Json | undefined): Json {
  if (!isObject(applied)) throw new BadRequestError('an apply configuration must be an object');
  // kube decodes the configuration as a typed object, so both type fields are mandatory.
  if (typeof applied.apiVersion !== 'string' || applied.apiVersion === '') throw new BadRequestError("the apply configuration has no 'apiVersion'");
  if (typeof applied.kind !== 'string' || applied.kind === '') throw new BadRequestError("the apply configuration has no 'kind'");
  const meta = applied.metadata;
  if (meta !== undefined && !isObject(meta)) throw new BadRequestError('metadata must be an object');
  if (isObject(meta) && meta.managedFields !== undefined && meta.managedFields !== null) {
    throw new BadRequestError('metadata.managedFields must be nil');
  }
  if (live && typeof applied.kind === 'string' && typeof live.kind === 'string' && applied.kind !== live.kind) {
    throw new BadRequestError(`the applied kind "${applied.kind}" does not match the object's kind "${live.kind}"`);
  }
  return applied;
}

/** Describes each conflicting field like kube: `conflict with "mgr" using group/version`. */
function conflictError(conflicts: Array<{ path: FieldPath; manager: Manager }>): ConflictError {
  const causes: FieldCause[] = conflicts.map(({ path, manager }) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with "${manager.manager}"${manager.operation === 'Update' ? ` using ${manager.apiVersion}` : ''}`,
    field: pathString(path),
  }));
  const lines = causes.map((c) => `- ${c.message}: ${c.field}`).join('\n');
  const n = causes.length;
  return new ConflictError(`Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${n === 1 ? `${causes[0]!.message}: ${causes[0]!.field}` : `\n${lines}`}`, {}, causes);
}

/**
 * Applies `applied` on behalf of `manager`. Pure: returns a new object, mutates nothing.
 * @throws ConflictError (409, causes per field) when another manager owns a field with a different value and force is false.
 * @throws BadRequestError for a malformed configuration (not an object, managedFields set, kind mismatch).
 */
export function serverSideApply(input: ApplyInput): ApplyResult {
  const { live, manager, force, apiVersion, now } = input;
  const applied = checkApplied(input.applied, live);
  const liveMeta = (live?.metadata ?? {}) as Json;
  let managers = decodeManagedFields(liveMeta.managedFields as ManagedFieldsEntry[] | undefined);
  if (live && managers.length === 0) {
    const existing = fieldSetOf(live);
    if (existing.size) managers = [{ manager: 'before-first-apply', operation: 'Update', apiVersion, fields: existing }];
  }
  const me = { manager, operation: 'Apply' as const };
  const mine = managers.find((m) => sameManager(m, me));
  const appliedSet = fieldSetOf(applied);
  const previous = mine?.fields ?? new FieldSet();

  // Conflicts: another manager owns a field we set, and the values differ.
  const conflicts: Array<{ path: FieldPath; manager: Manager }> = [];
  for (const other of managers) {
    if (other === mine) continue;
    for (const p of other.fields) {
      if (appliedSet.has(p) && !jsonEqual(valueAt(live, p), valueAt(applied, p))) conflicts.push({ path: p, manager: other });
    }
  }
  if (conflicts.length && !force) throw conflictError(conflicts);
  for (const { path, manager: other } of conflicts) other.fields.delete(path);

  // Fields we owned before and omit now go away unless someone else still owns them.
  const result = structuredClone(live ?? {}) as Json;
  const ownedByOthers = new FieldSet(managers.filter((m) => m !== mine).flatMap((m) => [...m.fields]));
  for (const p of previous.minus(appliedSet)) {
    if (!ownedByOthers.has(p) && ownedByOthers.under(p).length === 0) removeAt(result, p);
  }
  const merged = merge(result, applied, []) as Json;
  // Identity comes from the URL and the store, never from the configuration.
  if (live) merged.metadata = { ...(merged.metadata as Json), ...pick(liveMeta, ['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp']) };

  const liveWithout = { ...(live ?? {}), metadata: { ...liveMeta, managedFields: undefined } };
  const mergedWithout = { ...merged, metadata: { ...(merged.metadata as Json), managedFields: undefined } };
  const sameSet = previous.size === appliedSet.size && previous.minus(appliedSet).size === 0;
  const changed = !live || !jsonEqual(liveWithout, mergedWithout) || !sameSet || conflicts.length > 0;
  if (!changed) return { object: structuredClone(live), changed: false };

  const entry: Manager = { ...me, apiVersion, time: managedTime(now), fields: appliedSet };
  managers = mine ? managers.map((m) => (m === mine ? entry : m)) : [...managers, entry];
  (merged.metadata as Json).managedFields = encodeManagedFields(managers);
  return { object: merged, changed: true };
}

function pick(o: Json, keys: string[]): Json {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

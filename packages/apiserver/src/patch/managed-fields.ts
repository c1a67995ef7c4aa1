/**
 * managedFields bookkeeping for non-apply writes (create, PUT, merge and JSON patch), which kube
 * records as `operation: Update` entries: the writer gains the fields it changed and every other
 * manager loses them. Server-side apply lives in apply.ts and shares these helpers.
 */
import type { ManagedFieldsEntry } from '@docket/model';
import { FieldSet, fieldsV1Of, fromFieldsV1, jsonEqual, toFieldsV1, valueAt, walkLeaves, type Json } from './field-set.ts';

/** kube's limit on a field manager name. */
export const FIELD_MANAGER_MAX_LENGTH = 128;

/**
 * The manager of a write: the `fieldManager` query parameter when given, else (like kube) the
 * User-Agent up to its first `/`, printable characters only, at most 128 characters:
 * `kubectl/v1.31.9 (linux/amd64) kubernetes/8f38003` → `kubectl`.
 */
export function fieldManagerOf(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const prefix = (userAgent ?? '').split('/')[0] ?? '';
  return [...prefix].filter((c) => /\P{C}/u.test(c)).join('').slice(0, FIELD_MANAGER_MAX_LENGTH);
}

/** A decoded managedFields entry: its identity plus the set it owns. */
export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  fields: FieldSet;
}

/** kube identifies an entry by manager, operation and subresource (and apiVersion for Update). */
export function sameManager(a: Pick<Manager, 'manager' | 'operation' | 'subresource'>, b: Pick<Manager, 'manager' | 'operation' | 'subresource'>): boolean {
  return a.manager === b.manager && a.operation === b.operation && (a.subresource ?? '') === (b.subresource ?? '');
}

export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): Manager[] {
  return (entries ?? []).filter((e) => e.manager !== undefined || e.fieldsV1 !== undefined).map((e) => ({
    manager: e.manager ?? '', operation: e.operation ?? 'Update', apiVersion: e.apiVersion ?? '',
    ...(e.time ? { time: e.time } : {}), ...(e.subresource ? { subresource: e.subresource } : {}),
    fields: fromFieldsV1(e.fieldsV1),
  }));
}

/** Encodes managers back to entries, dropping the ones that own nothing (kube does the same). */
export function encodeManagedFields(managers: readonly Manager[]): ManagedFieldsEntry[] {
  return managers.filter((m) => m.fields.size > 0).map((m) => ({
    manager: m.manager, operation: m.operation, apiVersion: m.apiVersion,
    ...(m.time ? { time: m.time } : {}), fieldsType: 'FieldsV1' as const, fieldsV1: toFieldsV1(m.fields),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

/** RFC 3339 at second precision, as kube writes managedFields times. */
export function managedTime(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

/** Fields present in `after` whose value differs from `before` (or is new there). */
export function changedFields(before: unknown, after: unknown): FieldSet {
  return presentAndChanged(before, after).changed;
}

/**
 * fieldSetOf(after) and changedFields(before, after) in one walk. Object-field paths compare the
 * values met on the way down; paths through set/map list items (only metadata.finalizers and
 * ownerReferences) fall back to valueAt so duplicates resolve exactly as there.
 */
export function presentAndChanged(before: unknown, after: unknown): { present: FieldSet; changed: FieldSet } {
  const present = new FieldSet();
  const changed = new FieldSet();
  walkLeaves(after, (key, path, value, old, plain) => {
    if (present.hasKey(key)) return; // a duplicate list item: the first occurrence decided
    present.addKeyed(key, path);
    if (before === undefined) { changed.addKeyed(key, path); return; }
    const differs = plain ? !jsonEqual(old, value) : !jsonEqual(valueAt(before, path), valueAt(after, path));
    if (differs) changed.addKeyed(key, path);
  }, before);
  return { present, changed };
}

export interface UpdateInput {
  /** The stored object before the write (undefined for a create). */
  before: Json | undefined;
  /** The object about to be stored, in the request's version; its metadata.managedFields is what the client sent or kept. */
  after: Json;
  manager: string;
  /** The request's apiVersion (`group/version`). */
  apiVersion: string;
  now: Date;
}

/**
 * The managedFields to store after an Update-operation write. The writer's Update entry gains the
 * fields it added or changed; other managers lose those fields and any field the write removed.
 * A client that sends managedFields different from the stored ones sets them (kube's escape hatch
 * and kubectl's CSA→SSA upgrade); `[{}]` clears them.
 */
export function recordUpdate(input: UpdateInput): ManagedFieldsEntry[] {
  const { before, after, manager, apiVersion, now } = input;
  const beforeEntries = (before?.metadata as Json | undefined)?.managedFields as ManagedFieldsEntry[] | undefined;
  const sent = (after.metadata as Json | undefined)?.managedFields as ManagedFieldsEntry[] | undefined;
  if (sent !== undefined && !jsonEqual(sent, beforeEntries ?? [])) {
    if (sent.length === 1 && Object.keys(sent[0] ?? {}).length === 0) return [];
    return encodeManagedFields(decodeManagedFields(sent));
  }
  if (before === undefined && sent === undefined) {
    // A plain create: the writer owns everything it sent, nobody else owns anything.
    const fieldsV1 = fieldsV1Of(after);
    return fieldsV1 ? [{ manager, operation: 'Update', apiVersion, time: managedTime(now), fieldsType: 'FieldsV1', fieldsV1 }] : [];
  }
  const managers = decodeManagedFields(beforeEntries);
  const { present, changed } = presentAndChanged(before, after);
  for (const m of managers) {
    for (const [key, p] of [...m.fields.entries()]) if (changed.hasKey(key) || !present.hasKey(key)) m.fields.delete(p);
  }
  if (changed.size > 0) {
    const me = { manager, operation: 'Update' as const };
    const existing = managers.find((m) => sameManager(m, me) && m.apiVersion === apiVersion);
    if (existing) {
      for (const p of changed) existing.fields.add(p);
      existing.time = managedTime(now);
    } else {
      managers.push({ ...me, apiVersion, time: managedTime(now), fields: changed });
    }
  }
  return encodeManagedFields(managers);
}

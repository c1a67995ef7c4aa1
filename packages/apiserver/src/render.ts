/**
 * The adapter between the API handlers and the model / protocol modules: hub objects to wire
 * objects in the client's version, to PartialObjectMetadata, and to Table rows.
 */
import fjp from 'fast-json-patch';
import { BadRequestError, decodeReport, toVersion, type ReportObject } from '@docket/model';
import type { PatchType } from './body.ts';
import type { FieldValidation, IncludeObjectPolicy } from './query.ts';
import type { RequestScope } from './scope.ts';
import type { ListHead } from './respond.ts';

export const META_API_VERSION = 'meta.k8s.io/v1';
export const PARTIAL_KIND = 'PartialObjectMetadata';
export const PARTIAL_LIST_KIND = 'PartialObjectMetadataList';

/** Decodes a wire body in the URL's version into the hub shape (throws BadRequestError / InvalidError). */
export function decodeHub(raw: unknown, scope: RequestScope, fieldValidation: FieldValidation): { object: ReportObject; warnings: string[] } {
  return decodeReport(raw, { resource: scope.resource, version: scope.version }, { fieldValidation });
}

/** One object in the client's version. */
export function toWire(hub: ReportObject, version: string): Record<string, unknown> {
  return toVersion(hub, version);
}

/** `PartialObjectMetadata` of one object (the garbage collector's view); list items omit type meta like kube's. */
export function toPartial(hub: ReportObject, withTypeMeta: boolean): Record<string, unknown> {
  return withTypeMeta ? { apiVersion: META_API_VERSION, kind: PARTIAL_KIND, metadata: hub.metadata } : { metadata: hub.metadata };
}

// ---- Table (temporary until the protocol helper's table.ts lands) ----
const COLUMNS = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
  { name: 'Kind', type: 'string', format: '', description: 'scope.kind', priority: 1 },
  { name: 'Name', type: 'string', format: '', description: 'scope.name', priority: 1 },
  { name: 'Pass', type: 'integer', format: '', description: 'summary.pass', priority: 0 },
  { name: 'Fail', type: 'integer', format: '', description: 'summary.fail', priority: 0 },
  { name: 'Warn', type: 'integer', format: '', description: 'summary.warn', priority: 0 },
  { name: 'Error', type: 'integer', format: '', description: 'summary.error', priority: 0 },
  { name: 'Skip', type: 'integer', format: '', description: 'summary.skip', priority: 0 },
  { name: 'Age', type: 'date', format: '', description: 'metadata.creationTimestamp', priority: 0 },
];

function age(ts: string | undefined, now: Date): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

export function tableRowOf(hub: ReportObject, scope: RequestScope, includeObject: IncludeObjectPolicy, now: Date): Record<string, unknown> {
  const s = hub.summary ?? {};
  const row: Record<string, unknown> = {
    cells: [hub.metadata.name ?? '', hub.scope?.kind ?? '', hub.scope?.name ?? '', s.pass ?? 0, s.fail ?? 0, s.warn ?? 0, s.error ?? 0, s.skip ?? 0,
      age(hub.metadata.creationTimestamp, now)],
  };
  if (includeObject === 'Metadata') row['object'] = toPartial(hub, true);
  else if (includeObject === 'Object') row['object'] = toWire(hub, scope.version);
  return row;
}

export function tableHead(_scope: RequestScope, metadata: Record<string, unknown>): ListHead {
  return { apiVersion: META_API_VERSION, kind: 'Table', metadata, extra: { columnDefinitions: COLUMNS } };
}

export function tableOf(items: readonly ReportObject[], scope: RequestScope, includeObject: IncludeObjectPolicy, now: Date,
  metadata: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: META_API_VERSION, kind: 'Table', metadata, columnDefinitions: COLUMNS, rows: items.map((h) => tableRowOf(h, scope, includeObject, now)) };
}

// ---- Patch (temporary until the protocol helper's patch/ lands) ----
export interface PatchInput {
  current: Record<string, unknown> | undefined;
  patch: unknown;
  type: PatchType;
  fieldManager: string | undefined;
  force: boolean;
  scope: RequestScope;
  now: Date;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Applies a patch to the current wire object (undefined: apply-create), returning the new wire object. */
export function applyPatchTo(input: PatchInput): Record<string, unknown> {
  const base = input.current ?? {};
  if (input.type === 'json') {
    try {
      return fjp.applyPatch(structuredClone(base), input.patch as fjp.Operation[], true, false).newDocument as Record<string, unknown>;
    } catch (e) {
      throw new BadRequestError(`the JSON patch could not be applied: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return mergePatch(base, input.patch) as Record<string, unknown>;
}

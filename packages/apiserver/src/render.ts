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
import {
  META_V1, tableColumns, tableRow, tableWatchObject, toPartialObjectMetadata, toTable,
  type ListMeta, type Table, type TableOptions, type TableRow,
} from './table.ts';
import { agesInCells } from './age.ts';

export const PARTIAL_LIST_KIND = 'PartialObjectMetadataList';
export { META_V1 };

/** Decodes a wire body in the URL's version into the hub shape (throws BadRequestError / InvalidError). */
export function decodeHub(raw: unknown, scope: RequestScope, fieldValidation: FieldValidation): { object: ReportObject; warnings: string[] } {
  return decodeReport(raw, { resource: scope.resource, version: scope.version }, { fieldValidation });
}

/** One object in the client's version. */
export function toWire(hub: ReportObject, version: string): Record<string, unknown> {
  return toVersion(hub, version);
}

/** `PartialObjectMetadata` of one object (the garbage collector's view). */
export function toPartial(hub: ReportObject): Record<string, unknown> {
  return toPartialObjectMetadata(hub);
}

function tableOptions(scope: RequestScope, includeObject: IncludeObjectPolicy): TableOptions {
  return { includeObject, toObject: (hub) => toWire(hub, scope.version) };
}

const COLUMN_TYPES = tableColumns().map((c) => c.type);

function withAges<T extends { cells: unknown[] }>(row: T, now: Date): T {
  row.cells = agesInCells(row.cells, COLUMN_TYPES, now);
  return row;
}

/** One Table row (cells from the printer columns, object per includeObject). */
export function tableRowOf(hub: ReportObject, scope: RequestScope, includeObject: IncludeObjectPolicy, now: Date): TableRow {
  return withAges(tableRow(hub, tableOptions(scope, includeObject)), now);
}

/** The envelope of a streamed Table list: everything but `rows`. */
export function tableHead(metadata: Record<string, unknown>): ListHead {
  return { apiVersion: META_V1, kind: 'Table', metadata, extra: { columnDefinitions: tableColumns() } };
}

/** A whole Table (a single object's GET). */
export function tableOf(items: readonly ReportObject[], scope: RequestScope, includeObject: IncludeObjectPolicy, metadata: ListMeta, now: Date): Table {
  const t = toTable(items, metadata, tableOptions(scope, includeObject));
  t.rows.forEach((r) => withAges(r, now));
  return t;
}

/** The object of a watch event for `as=Table` watches: a one-row Table, headers on the first event only. */
export function tableEvent(type: string, hub: ReportObject, first: boolean, scope: RequestScope, includeObject: IncludeObjectPolicy, now: Date): Table {
  const t = tableWatchObject(type, hub, first, tableOptions(scope, includeObject));
  t.rows.forEach((r) => withAges(r, now));
  return t;
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

/**
 * The adapter between the API handlers and the model / protocol modules: hub objects to wire
 * objects in the client's version, to PartialObjectMetadata, and to Table rows.
 */
import { decodeReport, splitApiVersion, toVersion, wireShapeOf, type ReportObject } from '@docket/model';
import { untouchedResultsJson } from '@docket/store';
import { applyJsonPatch, applyMergePatch, serverSideApply } from './patch/index.ts';
import type { PatchType } from './body.ts';
import type { FieldValidation, IncludeObjectPolicy } from './query.ts';
import type { RequestScope } from './scope.ts';
import type { ListHead } from './respond.ts';
import {
  META_V1, tableColumns, tableRow, tableWatchObject, toPartialObjectMetadata, toTable,
  type ListMeta, type Table, type TableOptions, type TableRow,
} from './table.ts';

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

/**
 * One object in the client's version as JSON text: `JSON.stringify(toWire(hub, version))`, byte for
 * byte. A report the store returned untouched is serialised without parsing its results: they keep
 * their stored text (and their place, last) in every version but wgpolicyk8s.io/v1alpha1, whose
 * results have another shape.
 */
export function wireJson(hub: ReportObject, version: string): string {
  const raw = untouchedResultsJson(hub);
  if (raw === undefined || wireShapeOf(splitApiVersion(hub.apiVersion)[0], version) === 'v1alpha1') {
    return JSON.stringify(toWire(hub, version));
  }
  const head: Record<string, unknown> = {};
  for (const k of Object.keys(hub)) if (k !== 'results') head[k] = hub[k as keyof ReportObject];
  const json = JSON.stringify(toWire(head as unknown as ReportObject, version));
  return `${json.slice(0, -1)},"results":${raw}}`;
}

/** `PartialObjectMetadata` of one object (the garbage collector's view). */
export function toPartial(hub: ReportObject): Record<string, unknown> {
  return toPartialObjectMetadata(hub);
}

/** Date cells become ages at `now`, as kube's CRD table convertor renders them (kubectl prints cells verbatim). */
function tableOptions(scope: RequestScope, includeObject: IncludeObjectPolicy, now: Date): TableOptions {
  return { includeObject, now, toObject: (hub) => toWire(hub, scope.version) };
}

/** One Table row (cells from the printer columns, object per includeObject). */
export function tableRowOf(hub: ReportObject, scope: RequestScope, includeObject: IncludeObjectPolicy, now: Date): TableRow {
  return tableRow(hub, tableOptions(scope, includeObject, now));
}

/** The envelope of a streamed Table list: everything but `rows`. */
export function tableHead(metadata: Record<string, unknown>): ListHead {
  return { apiVersion: META_V1, kind: 'Table', metadata, extra: { columnDefinitions: tableColumns() } };
}

/** A whole Table (a single object's GET). */
export function tableOf(items: readonly ReportObject[], scope: RequestScope, includeObject: IncludeObjectPolicy, metadata: ListMeta, now: Date): Table {
  return toTable(items, metadata, tableOptions(scope, includeObject, now));
}

/** The object of a watch event for `as=Table` watches: a one-row Table, headers on the first event only. */
export function tableEvent(type: string, hub: ReportObject, first: boolean, scope: RequestScope, includeObject: IncludeObjectPolicy, now: Date): Table {
  return tableWatchObject(type, hub, first, tableOptions(scope, includeObject, now));
}

/** What a PATCH needs to compute the new object. */
export interface PatchInput {
  /** The live object in the request's version; undefined only for server-side apply creating it. */
  current: Record<string, unknown> | undefined;
  patch: unknown;
  type: PatchType;
  /** Required for apply (checked by the caller). */
  fieldManager: string;
  force: boolean;
  scope: RequestScope;
  now: Date;
}

/**
 * Applies a patch to the live wire object with the protocol helper's pure patch functions.
 * `changed: false` (apply only) means the configuration was already in place: nothing to write.
 */
export function applyPatchTo(input: PatchInput): { object: Record<string, unknown>; changed: boolean } {
  const base = input.current ?? {};
  switch (input.type) {
    case 'merge': return { object: applyMergePatch(base, input.patch), changed: true };
    case 'json': return { object: applyJsonPatch(base, input.patch), changed: true };
    case 'apply': return serverSideApply({
      live: input.current, applied: input.patch, manager: input.fieldManager, force: input.force,
      apiVersion: `${input.scope.resource.group}/${input.scope.version}`, now: input.now,
    });
  }
}

/**
 * `meta.k8s.io/v1` Table and PartialObjectMetadata rendering, from objects read in the store's
 * 'summary' projection (metadata, scope and summary are all a row needs).
 *
 * Columns are the CRDs' additionalPrinterColumns (model `printerColumns`) behind kube's implicit
 * first column `Name`; Kind/Name have priority 1 (`-o wide` only). kubectl prints cells verbatim
 * (checked with kubectl 1.31: a timestamp shows up as a timestamp), so, like kube's CRD table
 * convertor, `date` cells become ages ("3h", "2d4h") when a `now` is given; without one they keep
 * the timestamp. A value the object lacks is `null` (kubectl prints `<none>`).
 */
import { printerColumns, type PrinterColumn, type ObjectMeta, type ReportObject } from '@docket/model';
import { humanDuration } from './age.ts';

/** One `columnDefinitions` entry. */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  /** PartialObjectMetadata (includeObject=Metadata), the whole object (Object), or absent (None). */
  object?: Record<string, unknown>;
}

export interface Table {
  apiVersion: string;
  kind: 'Table';
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

export interface ListMeta { resourceVersion?: string; continue?: string; remainingItemCount?: number }

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** What each row's `object` holds; kube's default is Metadata. */
  includeObject?: IncludeObject;
  /** Omit column definitions (every watch event after the first, like kube); kubectl reuses the last ones. */
  noHeaders?: boolean;
  /** `meta.k8s.io/v1` (default) or `meta.k8s.io/v1beta1`, whichever the client asked for. */
  metaApiVersion?: string;
  /** Renders the whole object for includeObject=Object (e.g. conversion to the URL's version); default: as given. */
  toObject?: (obj: ReportObject) => Record<string, unknown>;
  /** Printer columns; default the CRDs' (model `printerColumns`). */
  columns?: readonly PrinterColumn[];
  /** Render `date` cells as ages at this instant (what kubectl shows); omit to send timestamps. */
  now?: Date;
}

export const META_V1 = 'meta.k8s.io/v1';

const NAME_COLUMN: TableColumnDefinition = {
  name: 'Name', type: 'string', format: 'name', priority: 0,
  description: 'Name must be unique within a namespace. It is required when creating resources and cannot be updated.',
};

/** Column definitions: kube's Name column, then the printer columns in CRD order. */
export function tableColumns(columns: readonly PrinterColumn[] = printerColumns): TableColumnDefinition[] {
  return [NAME_COLUMN, ...columns.map((c) => ({
    name: c.name, type: c.type, format: '', priority: c.priority ?? 0,
    description: c.description ?? `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
  }))];
}

/** Follows a simple JSONPath (`.a.b.c`, the only form the report CRDs use); undefined when absent. */
export function valueAtPath(obj: unknown, jsonPath: string): unknown {
  let cur: unknown = obj;
  for (const part of jsonPath.split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function cellOf(value: unknown, type: PrinterColumn['type'], now: Date | undefined): unknown {
  if (value === undefined || value === null) return null;
  if (type === 'integer') return typeof value === 'number' ? value : null;
  if (type === 'date' && now && typeof value === 'string' && !Number.isNaN(Date.parse(value))) return humanDuration(now.getTime() - Date.parse(value));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** `PartialObjectMetadata` of one object: what the garbage collector and metadata informers read. */
export function toPartialObjectMetadata(obj: { metadata: ObjectMeta }, metaApiVersion = META_V1): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: metaApiVersion, metadata: obj.metadata };
}

/** `PartialObjectMetadataList`; items carry their own type meta, as kube sends them. */
export function toPartialObjectMetadataList(items: readonly { metadata: ObjectMeta }[], listMeta: ListMeta,
  metaApiVersion = META_V1): Record<string, unknown> {
  return { kind: 'PartialObjectMetadataList', apiVersion: metaApiVersion, metadata: listMeta,
    items: items.map((o) => toPartialObjectMetadata(o, metaApiVersion)) };
}

/** One row: the name cell, one cell per printer column, and the object per includeObject. */
export function tableRow(obj: ReportObject, opts: TableOptions = {}): TableRow {
  const columns = opts.columns ?? printerColumns;
  const row: TableRow = { cells: [obj.metadata.name ?? '', ...columns.map((c) => cellOf(valueAtPath(obj, c.jsonPath), c.type, opts.now))] };
  const include = opts.includeObject ?? 'Metadata';
  if (include === 'Metadata') row.object = toPartialObjectMetadata(obj, opts.metaApiVersion);
  else if (include === 'Object') row.object = opts.toObject ? opts.toObject(obj) : (obj as unknown as Record<string, unknown>);
  return row;
}

/** A Table of a list page (pass its ListMeta) or of a single object (`[obj]`, `{ resourceVersion }`). */
export function toTable(items: readonly ReportObject[], listMeta: ListMeta = {}, opts: TableOptions = {}): Table {
  return {
    apiVersion: opts.metaApiVersion ?? META_V1, kind: 'Table', metadata: listMeta,
    columnDefinitions: opts.noHeaders ? [] : tableColumns(opts.columns),
    rows: items.map((o) => tableRow(o, opts)),
  };
}

/**
 * The object of one watch event when the client watches `as=Table`: a one-row Table. Pass
 * `first: true` for the first event of the stream only; later events leave out the column
 * definitions, as kube does. A BOOKMARK becomes an empty Table carrying only the resourceVersion.
 */
export function tableWatchObject(type: string, obj: ReportObject, first: boolean, opts: TableOptions = {}): Table {
  const rv = obj.metadata.resourceVersion;
  const meta: ListMeta = rv === undefined ? {} : { resourceVersion: rv };
  if (type === 'BOOKMARK') return { ...toTable([], meta, { ...opts, noHeaders: true }) };
  return toTable([obj], meta, { ...opts, noHeaders: !first });
}

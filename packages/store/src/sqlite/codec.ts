/**
 * Row encoding. The document is stored split: `head` (everything but results) as JSON, read alone by
 * summary projections, and `results` as raw-deflated JSON, which shrinks a typical report's results
 * 5-8x for a few microseconds per write (see scripts/measure-sqlite.ts).
 *
 * Since schema 3 the head is also slimmed: `metadata.managedFields` (a very compressible trie, ~45%
 * of an API-written head) goes deflated into `mf`, and the fields the row already has as columns
 * (apiVersion, kind, metadata name/namespace/uid/resourceVersion) are dropped and restored on read.
 * A slimmed head is marked by a leading space (still plain JSON); old rows, and objects whose key
 * order `restore` would not reproduce, keep the old format and decode unchanged.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { RESOURCE_TYPES, type ObjectMeta, type ReportObject, type ReportResult } from '@docket/model';
import { withLazyResults } from '../shared/lazy-results.ts';
import { joinDocument, splitDocument } from '../shared/rows.ts';

const LEVEL = 1;
const SLIM = ' ';

/** The columns a row carries about its object, from which a slim head is completed. */
export interface RowIdentity {
  group: string;
  resource: string;
  namespace: string;
  name: string;
  uid: string;
  rv: number;
}

export interface EncodedDoc {
  head: string;
  /** Deflated managedFields JSON when split off the head, else null. */
  mf: Buffer | null;
  /** Uncompressed results JSON (for cheap equality checks), or null. */
  resultsJson: string | null;
  results: Buffer | null;
}

const typeNames = new Map<string, { apiVersion: string; kind: string }>();
function typeOf(group: string, resource: string): { apiVersion: string; kind: string } | undefined {
  const k = `${group}/${resource}`;
  let t = typeNames.get(k);
  if (!t) {
    const rt = RESOURCE_TYPES.find((r) => r.group === group && r.plural === resource);
    if (!rt) return undefined;
    t = { apiVersion: `${group}/${rt.storageVersion}`, kind: rt.kind };
    typeNames.set(k, t);
  }
  return t;
}

export function encodeDoc(obj: ReportObject, id: RowIdentity): EncodedDoc {
  const { head, results } = splitDocument(obj);
  const resultsJson = results === undefined ? null : JSON.stringify(results);
  const deflated = resultsJson === null ? null : deflateRawSync(resultsJson, { level: LEVEL });
  const slim = slimHead(head, id);
  if (slim === undefined) return { head: JSON.stringify(head), mf: null, resultsJson, results: deflated };
  const mf = slim.mf === undefined ? null : deflateRawSync(JSON.stringify(slim.mf), { level: LEVEL });
  return { head: SLIM + JSON.stringify(slim.rest), mf, resultsJson, results: deflated };
}

/**
 * Whether `restore` rebuilds these keys in the order they were written: values move unchanged, so
 * key order is the only thing that could make a slim head read back as different bytes.
 */
function restoresInOrder(topKeys: readonly string[], metaKeys: readonly string[], namespaced: boolean): boolean {
  if (topKeys[0] !== 'apiVersion' || topKeys[1] !== 'kind' || topKeys[2] !== 'metadata') return false;
  const lead = ['name'];
  if (metaKeys[1] === 'generateName') lead.push('generateName');
  if (namespaced) lead.push('namespace');
  lead.push('uid', 'resourceVersion');
  if (lead.some((k, i) => metaKeys[i] !== k)) return false;
  const mfAt = metaKeys.indexOf('managedFields');
  return mfAt === -1 || mfAt === metaKeys.length - 1;
}

function slimHead(head: ReportObject, id: RowIdentity): { rest: Record<string, unknown>; mf: unknown } | undefined {
  const t = typeOf(id.group, id.resource);
  const m = head.metadata as (ObjectMeta & Record<string, unknown>) | undefined;
  if (!t || !m || head.apiVersion !== t.apiVersion || head.kind !== t.kind) return undefined;
  if (m.name !== id.name || m.uid !== id.uid || m.resourceVersion !== String(id.rv)) return undefined;
  if (id.namespace === '' ? m.namespace !== undefined : m.namespace !== id.namespace) return undefined;
  if (!restoresInOrder(Object.keys(head), Object.keys(m), id.namespace !== '')) return undefined;
  const { apiVersion: _a, kind: _k, metadata: _m, ...top } = head as ReportObject & Record<string, unknown>;
  const { name: _n, namespace: _ns, uid: _u, resourceVersion: _rv, managedFields, ...meta } = m;
  return { rest: { metadata: meta, ...top }, mf: managedFields };
}

/** Completes a slim head from the row's columns, in the order the object was written in. */
function restore(rest: Record<string, unknown>, mfJson: string | null, id: RowIdentity): ReportObject {
  const t = typeOf(id.group, id.resource)!;
  const { metadata, ...top } = rest as { metadata: Record<string, unknown> };
  const { generateName, ...meta } = metadata;
  const md: Record<string, unknown> = { name: id.name };
  if (generateName !== undefined) md.generateName = generateName;
  if (id.namespace !== '') md.namespace = id.namespace;
  md.uid = id.uid;
  md.resourceVersion = String(id.rv);
  Object.assign(md, meta);
  if (mfJson !== null) md.managedFields = JSON.parse(mfJson);
  return { apiVersion: t.apiVersion, kind: t.kind, metadata: md, ...top } as ReportObject;
}

export function decodeResultsJson(blob: Buffer | null): string | null {
  return blob === null ? null : inflateRawSync(blob).toString('utf8');
}

export interface DocRow {
  head: string;
  mf: Buffer | null;
  results: Buffer | null;
}

/** Parses a stored head (slim or old-format) into the object without results. */
export function decodeHead(head: string, mf: Buffer | null, id: RowIdentity): ReportObject {
  const h = JSON.parse(head) as Record<string, unknown>;
  if (head.charCodeAt(0) !== 32) return h as unknown as ReportObject;
  return restore(h, mf === null ? null : inflateRawSync(mf).toString('utf8'), id);
}

/** Rebuilds an object from its row and already-inflated results JSON. */
export function decodeStored(row: DocRow, resultsJson: string | null, id: RowIdentity): ReportObject {
  const h = decodeHead(row.head, row.mf, id);
  return resultsJson === null ? h : joinDocument(h, JSON.parse(resultsJson) as ReportResult[]);
}

/**
 * Decodes a stored row; `summary` skips the results entirely. Results are parsed on first use
 * (lazy-results.ts): the API can serialise an untouched report from the stored text.
 */
export function decodeDoc(row: DocRow, id: RowIdentity, projection: 'full' | 'summary' = 'full'): ReportObject {
  const head = decodeHead(row.head, row.mf, id);
  if (projection === 'summary' || row.results === null) return head;
  return withLazyResults(head, decodeResultsJson(row.results)!);
}

/**
 * How a report object maps onto normalised rows: selectable-field columns, label pairs and one row
 * per result. Both engines store the same rows so queries never have to scan JSON.
 */
import { createHash } from 'node:crypto';
import { resultId } from '@docket/core';
import type { ReportObject, ReportResult } from '@docket/model';

export interface ObjectColumns {
  scopeKind: string;
  scopeName: string;
  scopeNamespace: string;
  scopeUid: string;
  source: string;
}

export function objectColumns(obj: ReportObject): ObjectColumns {
  return {
    scopeKind: obj.scope?.kind ?? '',
    scopeName: obj.scope?.name ?? '',
    scopeNamespace: obj.scope?.namespace ?? '',
    scopeUid: obj.scope?.uid ?? '',
    source: obj.source ?? '',
  };
}

export function labelPairs(obj: ReportObject): [key: string, value: string][] {
  return Object.entries(obj.metadata?.labels ?? {});
}

/** The attributes of a result that repeat across reports; interned once per store (result_keys). */
export interface ResultAttrs {
  policy: string;
  rule: string;
  result: string;
  severity: string;
  category: string;
  /** The result's own source, else the report's. */
  source: string;
  scored: number | null;
  message: string;
}

/** The resource a result names itself (`resources[0]`); absent = the report's scope. */
export interface ResultSubject {
  kind: string;
  name: string;
  namespace: string;
  uid: string;
}

export interface ResultRow {
  attrs: ResultAttrs;
  /** Stable string form of `attrs`: the dictionary cache key. */
  attrKey: string;
  /** resultId encoded by `encodeResultId` (16 bytes for the usual 32-hex id). */
  resultId: Buffer;
  /** Result timestamp in seconds, or null. */
  timestamp: number | null;
  subject: ResultSubject | null;
}

export function resultRows(obj: ReportObject): ResultRow[] {
  return (obj.results ?? []).map((r) => toResultRow(obj, r));
}

/** The string every engine interns a result's attributes under (order fixed, null kept apart from 0/1). */
export function attrKeyOf(a: ResultAttrs): string {
  return JSON.stringify([a.policy, a.rule, a.result, a.severity, a.category, a.source, a.scored, a.message]);
}

/** Unique-index value of a dictionary row: 16 bytes of sha256 over the cluster and the attribute key. */
export function attrHash(clusterId: string, attrKey: string): Buffer {
  return createHash('sha256').update(clusterId).update('\u0000').update(attrKey).digest().subarray(0, 16);
}

const HEX_ID = /^[0-9a-f]{32}$/;

/**
 * Binary form of a result id: the usual 32 lowercase hex chars become 16 bytes; any other id (an
 * explicit `properties.resultID`) is kept as UTF-8, padded with a NUL when it would be 16 bytes
 * long, so the two forms never collide.
 */
export function encodeResultId(id: string): Buffer {
  if (HEX_ID.test(id)) return Buffer.from(id, 'hex');
  const b = Buffer.from(id, 'utf8');
  return b.length === 16 ? Buffer.concat([b, Buffer.alloc(1)]) : b;
}

function toResultRow(obj: ReportObject, r: ReportResult): ResultRow {
  const own = r.resources?.[0];
  const attrs: ResultAttrs = {
    policy: r.policy,
    rule: r.rule ?? '',
    result: r.result ?? '',
    severity: r.severity ?? '',
    category: r.category ?? '',
    source: r.source ?? obj.source ?? '',
    scored: r.scored === undefined ? null : r.scored ? 1 : 0,
    message: r.message ?? '',
  };
  return {
    attrs,
    attrKey: attrKeyOf(attrs),
    resultId: encodeResultId(resultId(r, obj.scope)),
    timestamp: r.timestamp?.seconds ?? null,
    subject: own ? { kind: own.kind ?? '', name: own.name ?? '', namespace: own.namespace ?? '', uid: own.uid ?? '' } : null,
  };
}

/**
 * Splits an object into the small "summary" document (everything but `results`, what summary
 * projections, tables and metadata-only reads need) and the results array stored beside it.
 */
export function splitDocument(obj: ReportObject): { head: ReportObject; results: ReportResult[] | undefined } {
  const { results, ...head } = obj;
  return { head, results };
}

export function joinDocument(head: ReportObject, results: ReportResult[] | undefined): ReportObject {
  return results === undefined ? head : { ...head, results };
}

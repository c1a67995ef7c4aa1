/**
 * How a report object maps onto normalised rows: selectable-field columns, label pairs and one row
 * per result. Both engines store the same rows so queries never have to scan JSON.
 */
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

export interface ResultRow {
  resultId: string;
  policy: string;
  rule: string;
  result: string;
  severity: string;
  category: string;
  /** The result's own source, else the report's. */
  source: string;
  scored: number | null;
  message: string;
  subjectKind: string;
  subjectName: string;
  subjectNamespace: string;
  subjectUid: string;
  /** Result timestamp in seconds, or null. */
  timestamp: number | null;
}

export function resultRows(obj: ReportObject): ResultRow[] {
  return (obj.results ?? []).map((r) => toResultRow(obj, r));
}

function toResultRow(obj: ReportObject, r: ReportResult): ResultRow {
  const subject = r.resources?.[0] ?? obj.scope;
  return {
    resultId: resultId(r, obj.scope),
    policy: r.policy,
    rule: r.rule ?? '',
    result: r.result ?? '',
    severity: r.severity ?? '',
    category: r.category ?? '',
    source: r.source ?? obj.source ?? '',
    scored: r.scored === undefined ? null : r.scored ? 1 : 0,
    message: r.message ?? '',
    subjectKind: subject?.kind ?? '',
    subjectName: subject?.name ?? '',
    subjectNamespace: subject?.namespace ?? '',
    subjectUid: subject?.uid ?? '',
    timestamp: r.timestamp?.seconds ?? null,
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

/**
 * Pure mapping between report objects and PostgreSQL rows. Documents are split into `head`
 * (everything but results: what the summary projection needs) and `results`, and never carry
 * metadata.resourceVersion (the `rv` column is the truth; readers put it back).
 */
import { resultId } from '@docket/core';
import type { ObjectMeta, ReportObject } from '@docket/model';
import { orderMeta } from '../shared/lifecycle.ts';

export interface ObjectRow {
  head: Record<string, unknown>;
  results: unknown[] | null;
  uid: string;
  fields: [scopeKind: string | null, scopeName: string | null, scopeNamespace: string | null, scopeUid: string | null, source: string | null];
  labelKeys: string[];
  labelValues: string[];
  /** Column arrays for one `unnest` insert into docket_results. */
  resultCols: ResultColumns;
}

export interface ResultColumns {
  idx: number[]; resultId: string[]; policy: string[]; rule: (string | null)[]; result: (string | null)[];
  severity: (string | null)[]; category: (string | null)[]; source: (string | null)[]; resKind: (string | null)[];
  resNamespace: (string | null)[]; resName: (string | null)[]; resUid: (string | null)[]; ts: (number | null)[];
}

export function toRow(obj: ReportObject): ObjectRow {
  const { results, ...rest } = obj;
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  const head = { ...rest, metadata } as Record<string, unknown>;
  const labels = obj.metadata.labels ?? {};
  const cols: ResultColumns = {
    idx: [], resultId: [], policy: [], rule: [], result: [], severity: [], category: [], source: [],
    resKind: [], resNamespace: [], resName: [], resUid: [], ts: [],
  };
  (results ?? []).forEach((r, i) => {
    const subject = r.resources?.[0] ?? obj.scope;
    cols.idx.push(i);
    cols.resultId.push(resultId(r, obj.scope));
    cols.policy.push(r.policy);
    cols.rule.push(r.rule ?? null);
    cols.result.push(r.result ?? null);
    cols.severity.push(r.severity ?? null);
    cols.category.push(r.category ?? null);
    cols.source.push(r.source ?? obj.source ?? null);
    cols.resKind.push(subject?.kind ?? null);
    cols.resNamespace.push(subject?.namespace ?? null);
    cols.resName.push(subject?.name ?? null);
    cols.resUid.push(subject?.uid ?? null);
    cols.ts.push(r.timestamp ? r.timestamp.seconds : null);
  });
  return {
    head,
    results: results === undefined ? null : results,
    uid: obj.metadata.uid ?? '',
    fields: [obj.scope?.kind ?? null, obj.scope?.name ?? null, obj.scope?.namespace ?? null, obj.scope?.uid ?? null, obj.source ?? null],
    labelKeys: Object.keys(labels),
    labelValues: Object.values(labels),
    resultCols: cols,
  };
}

/** Top-level keys in the order kube prints them; jsonb hands keys back sorted by length. */
const TOP_ORDER = ['apiVersion', 'kind', 'metadata', 'scope', 'scopeSelector', 'source', 'configuration', 'summary'];

/** Rebuilds an object from its stored parts. `results` undefined = summary projection. */
export function fromRow(head: Record<string, unknown>, rv: string | number, results?: unknown[] | null): ReportObject {
  const obj: Record<string, unknown> = {};
  for (const k of TOP_ORDER) if (head[k] !== undefined) obj[k] = head[k];
  for (const k of Object.keys(head)) if (!(k in obj)) obj[k] = head[k];
  obj['metadata'] = orderMeta({ ...(head['metadata'] as ObjectMeta), resourceVersion: String(rv) });
  if (results) obj['results'] = results;
  return obj as unknown as ReportObject;
}

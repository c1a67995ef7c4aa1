/**
 * Pure mapping between report objects and PostgreSQL rows. Documents are split into `head`
 * (everything but results: what the summary projection needs) and `results`, and never carry
 * metadata.resourceVersion (the `rv` column is the truth; readers put it back).
 */
import type { ObjectMeta, ReportObject } from '@docket/model';
import { orderMeta } from '../shared/lifecycle.ts';
import { resultRows, type ResultRow } from '../shared/rows.ts';

export interface ObjectRow {
  head: Record<string, unknown>;
  results: unknown[] | null;
  uid: string;
  fields: [scopeKind: string | null, scopeName: string | null, scopeNamespace: string | null, scopeUid: string | null, source: string | null];
  labelKeys: string[];
  labelValues: string[];
  /** One normalised row per result, in order (docket_results). */
  resultRows: ResultRow[];
}

export function toRow(obj: ReportObject): ObjectRow {
  const { results, ...rest } = obj;
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  const head = { ...rest, metadata } as Record<string, unknown>;
  const labels = obj.metadata.labels ?? {};
  return {
    head,
    results: results === undefined ? null : results,
    uid: obj.metadata.uid ?? '',
    fields: [obj.scope?.kind ?? null, obj.scope?.name ?? null, obj.scope?.namespace ?? null, obj.scope?.uid ?? null, obj.source ?? null],
    labelKeys: Object.keys(labels),
    labelValues: Object.values(labels),
    resultRows: resultRows(obj),
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

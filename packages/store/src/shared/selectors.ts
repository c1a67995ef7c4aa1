/**
 * In-memory evaluation of label and field selectors. Lists evaluate selectors in SQL; this is
 * for the few objects that never reach SQL filtering: watch events and superseded versions read
 * from history for a consistent snapshot. Semantics are kube's: `notin`/`!=` match objects
 * without the label/field, and a missing field reads as ''.
 */
import type { ReportObject } from '@docket/model';
import type { FieldRequirement, LabelRequirement, SelectableField, Selectors } from '../types.ts';

/** The value of a selectable field ('' when absent), the same value engines store in columns. */
export function fieldValue(obj: ReportObject, field: SelectableField): string {
  switch (field) {
    case 'metadata.name': return obj.metadata?.name ?? '';
    case 'metadata.namespace': return obj.metadata?.namespace ?? '';
    case 'scope.kind': return obj.scope?.kind ?? '';
    case 'scope.name': return obj.scope?.name ?? '';
    case 'scope.namespace': return obj.scope?.namespace ?? '';
    case 'scope.uid': return obj.scope?.uid ?? '';
    case 'source': return obj.source ?? '';
  }
}

export function matchesLabel(labels: Record<string, string> | undefined, req: LabelRequirement): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, req.key);
  switch (req.op) {
    case 'exists': return has;
    case 'notexists': return !has;
    case 'in': return has && req.values.includes(labels![req.key]!);
    case 'notin': return !has || !req.values.includes(labels![req.key]!);
  }
}

export function matchesField(obj: ReportObject, req: FieldRequirement): boolean {
  const v = fieldValue(obj, req.field);
  return req.op === '=' ? v === req.value : v !== req.value;
}

export function matchesSelectors(obj: ReportObject, sel: Selectors): boolean {
  for (const r of sel.labels ?? []) if (!matchesLabel(obj.metadata?.labels, r)) return false;
  for (const r of sel.fields ?? []) if (!matchesField(obj, r)) return false;
  return true;
}

export function hasSelectors(sel: Selectors): boolean {
  return (sel.labels?.length ?? 0) > 0 || (sel.fields?.length ?? 0) > 0;
}

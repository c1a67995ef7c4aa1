/**
 * Label and field selectors as parameterised SQL. Two shapes of the same predicate: current
 * objects test labels through the labels table, superseded versions (history, for snapshot
 * reads) through their stored metadata.labels.
 */
import type { CollectionRef, FieldRequirement, LabelRequirement, Selectors, SelectableField } from '../types.ts';

/** Collects positional parameters; `add` returns the placeholder to splice into SQL. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Column (on docket_objects and docket_history alike) behind each selectable field. */
const FIELD_COLUMN: Record<SelectableField, string> = {
  'metadata.name': 'name',
  'metadata.namespace': 'namespace',
  'scope.kind': 'scope_kind',
  'scope.name': 'scope_name',
  'scope.namespace': 'scope_namespace',
  'scope.uid': 'scope_uid',
  source: 'source',
};

function fieldSql(p: Params, alias: string, f: FieldRequirement): string {
  const col = FIELD_COLUMN[f.field];
  if (!col) throw new Error(`unsupported field selector ${String(f.field)}`);
  // kube treats an absent field as the empty string.
  return `coalesce(${alias}.${col}, '') ${f.op === '=' ? '=' : '<>'} ${p.add(f.value)}`;
}

function objectLabelSql(p: Params, alias: string, l: LabelRequirement): string {
  const sub = (extra: string) => `EXISTS (SELECT 1 FROM docket_labels l WHERE l.cluster_id = ${alias}.cluster_id
    AND l.grp = ${alias}.grp AND l.resource = ${alias}.resource AND l.namespace = ${alias}.namespace
    AND l.name = ${alias}.name AND l.key = ${p.add(l.key)}${extra})`;
  switch (l.op) {
    case 'in': return sub(` AND l.value = ANY(${p.add(l.values)}::text[])`);
    case 'notin': return `NOT ${sub(` AND l.value = ANY(${p.add(l.values)}::text[])`)}`;
    case 'exists': return sub('');
    case 'notexists': return `NOT ${sub('')}`;
  }
}

function historyLabelSql(p: Params, alias: string, l: LabelRequirement): string {
  const v = `(${alias}.head->'metadata'->'labels'->>${p.add(l.key)})`;
  switch (l.op) {
    case 'in': return `coalesce(${v} = ANY(${p.add(l.values)}::text[]), false)`;
    case 'notin': return `NOT coalesce(${v} = ANY(${p.add(l.values)}::text[]), false)`;
    case 'exists': return `${v} IS NOT NULL`;
    case 'notexists': return `${v} IS NULL`;
  }
}

/** WHERE conditions (ANDed) selecting a collection and its selectors on `alias`. */
export function whereSql(p: Params, clusterId: string, ref: CollectionRef, sel: Selectors, alias: string, kind: 'objects' | 'history'): string[] {
  const out = [`${alias}.cluster_id = ${p.add(clusterId)}`, `${alias}.grp = ${p.add(ref.group)}`, `${alias}.resource = ${p.add(ref.resource)}`];
  if (ref.namespace !== undefined) out.push(`${alias}.namespace = ${p.add(ref.namespace)}`);
  for (const f of sel.fields ?? []) out.push(fieldSql(p, alias, f));
  for (const l of sel.labels ?? []) out.push(kind === 'objects' ? objectLabelSql(p, alias, l) : historyLabelSql(p, alias, l));
  return out;
}

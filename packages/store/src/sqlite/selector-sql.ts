/** Label and field selectors as SQL conditions on an `objects` alias (parameters appended to `params`). */
import type { SelectableField, Selectors } from '../types.ts';

const FIELD_COLUMNS: Record<SelectableField, string> = {
  'metadata.name': 'name',
  'metadata.namespace': 'namespace',
  'scope.kind': 'scope_kind',
  'scope.name': 'scope_name',
  'scope.namespace': 'scope_namespace',
  'scope.uid': 'scope_uid',
  source: 'source',
};

export function selectorSql(alias: string, sel: Selectors, params: unknown[]): string {
  const parts: string[] = [];
  for (const f of sel.fields ?? []) {
    const col = FIELD_COLUMNS[f.field];
    if (!col) throw new Error(`unsupported field selector ${f.field}`);
    parts.push(`${alias}.${col} ${f.op === '=' ? '=' : '!='} ?`);
    params.push(f.value);
  }
  for (const l of sel.labels ?? []) {
    const base = `SELECT 1 FROM labels l WHERE l.object_id = ${alias}.id AND l.key = ?`;
    params.push(l.key);
    switch (l.op) {
      case 'exists': parts.push(`EXISTS (${base})`); break;
      case 'notexists': parts.push(`NOT EXISTS (${base})`); break;
      case 'in':
      case 'notin': {
        const marks = l.values.map(() => '?').join(', ');
        params.push(...l.values);
        parts.push(`${l.op === 'in' ? '' : 'NOT '}EXISTS (${base} AND l.value IN (${marks || 'NULL'}))`);
        break;
      }
    }
  }
  return parts.join(' AND ');
}

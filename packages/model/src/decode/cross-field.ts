/**
 * Rules that involve more than one field. They run on the raw (pruned) input even when other
 * fields are invalid, so one response lists every problem; hence the defensive type checks.
 */
import type { FieldCause } from '../errors.ts';

function has(obj: unknown, key: string): boolean {
  return typeof obj === 'object' && obj !== null && (obj as Record<string, unknown>)[key] !== undefined;
}

export function crossFieldCauses(input: Record<string, unknown>): FieldCause[] {
  const causes: FieldCause[] = [];
  const meta = input.metadata;
  const name = has(meta, 'name') ? (meta as Record<string, unknown>).name : undefined;
  const generateName = has(meta, 'generateName') ? (meta as Record<string, unknown>).generateName : undefined;
  if ((name === undefined || name === '') && (generateName === undefined || generateName === '')) {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
  }
  if (input.scope !== undefined && input.scopeSelector !== undefined) {
    causes.push({
      reason: 'FieldValueForbidden',
      message: 'Forbidden: may not be set together with scope; a report is scoped by a resource or a selector, not both',
      field: 'scopeSelector',
    });
  }
  return causes;
}

import { createHash } from 'node:crypto';
import type { ObjectReference, ReportResult } from '@docket/model';

/**
 * Stable identity of one result (DESIGN decision 5): `properties.resultID` when the producer set
 * one, else a hash over what makes a finding distinct. The same id drives new-result detection,
 * producer dedupe and idempotent delivery, so it must not change when unrelated fields (timestamp,
 * scored, other properties) do.
 */
export function resultId(result: ReportResult, scope?: ObjectReference, customFields?: readonly string[]): string {
  const explicit = result.properties?.['resultID'];
  if (explicit) return explicit;
  const subject = result.resources?.[0] ?? scope;
  const parts = customFields && customFields.length > 0
    ? customFields.map((f) => fieldValue(result, subject, f))
    : [
        subject?.uid || `${subject?.namespace ?? ''}/${subject?.kind ?? ''}/${subject?.name ?? ''}`,
        result.policy, result.rule ?? '', result.result ?? '', result.category ?? '', result.message ?? '',
      ];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function fieldValue(result: ReportResult, subject: ObjectReference | undefined, field: string): string {
  if (field.startsWith('property:')) return result.properties?.[field.slice('property:'.length)] ?? '';
  if (field.startsWith('resource.')) return String(subject?.[field.slice('resource.'.length) as keyof ObjectReference] ?? '');
  const v = (result as unknown as Record<string, unknown>)[field];
  return v === undefined ? '' : String(v);
}

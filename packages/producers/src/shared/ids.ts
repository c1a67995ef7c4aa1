import { createHash } from 'node:crypto';
import type { ReportKey } from '../types.ts';

/**
 * A result id from the fields that make a finding distinct. Parts are joined with NUL so
 * `a|b` and `a`,`b` cannot collide; 32 hex chars (128 bits) keep properties short.
 */
export function stableResultId(producer: string, ...parts: readonly string[]): string {
  return createHash('sha256').update([producer, ...parts].join('\u0000')).digest('hex').slice(0, 32);
}

/** A string identifying the report a key names, for grouping results per report. */
export function reportKeyId(key: ReportKey): string {
  const s = key.scope;
  return [key.producer, key.namespace ?? '', s?.kind ?? '', s?.namespace ?? '', s?.name ?? '', key.name ?? ''].join('/');
}

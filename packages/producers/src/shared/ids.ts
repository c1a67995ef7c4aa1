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

const MAX_NAME = 253;

/**
 * The report name for a key: its fixed `name`, else `<producer>-<kind>-<name>` of its scope (e.g.
 * `hubble-pod-web-7d9c8-abcde`), kind lower-cased; anything outside a DNS-1123 subdomain is replaced; names that would be too long
 * keep a readable prefix plus a hash so they stay unique. Deterministic, so every replica and every
 * restart writes the same object.
 */
export function reportName(key: ReportKey): string {
  const raw = key.name ?? [key.producer, key.scope?.kind?.toLowerCase() ?? 'cluster', key.scope?.name ?? ''].filter(Boolean).join('-');
  const clean = raw.replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || key.producer;
  if (clean.length <= MAX_NAME && clean === raw) return clean;
  // Changed or shortened names get a hash of the original so two raw names never collide.
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 10);
  return `${clean.slice(0, MAX_NAME - 11).replace(/[-.]+$/, '')}-${hash}`;
}

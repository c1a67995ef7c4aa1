/**
 * Query-parameter parsing for the resource endpoints. Values kube would reject with 400 are
 * rejected here too, with the parameter named, so a typo never silently changes behaviour.
 */
import { BadRequestError } from '@docket/model';

export type Query = Record<string, string | string[] | undefined>;

/** The single value of a parameter; when repeated, the first one (as kube reads url.Values). */
export function one(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

export function all(q: Query, name: string): string[] {
  const v = q[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** `?dryRun=All` (the only value kube defines); anything else is a 400. */
export function parseDryRun(q: Query): boolean {
  const values = all(q, 'dryRun');
  for (const v of values) {
    if (v !== 'All') throw new BadRequestError(`Invalid dryRun value "${v}": supported values: "All"`);
  }
  return values.length > 0;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * `?fieldValidation=`. Docket defaults to Strict where kube defaults to Warn: a report with a
 * misspelt field (say `sumary`) would otherwise be stored without it and the producer would never
 * notice, so unknown fields are a clear 400/422 unless the client opts out.
 */
export function parseFieldValidation(q: Query): FieldValidation {
  const v = one(q, 'fieldValidation');
  if (v === undefined || v === '') return 'Strict';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw new BadRequestError(`Invalid fieldValidation value "${v}": supported values: "Strict", "Warn", "Ignore"`);
}

export function parseBool(q: Query, name: string): boolean {
  const v = one(q, name);
  if (v === undefined || v === '' || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  throw new BadRequestError(`Invalid value for ${name}: "${v}" is not a boolean`);
}

/** A non-negative integer parameter, or undefined when absent. */
export function parseNonNegativeInt(q: Query, name: string): number | undefined {
  const v = one(q, name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw new BadRequestError(`Invalid value for ${name}: "${v}" is not a non-negative integer`);
  return Number(v);
}

export function parseResourceVersionMatch(q: Query): 'NotOlderThan' | 'Exact' | undefined {
  const v = one(q, 'resourceVersionMatch');
  if (v === undefined || v === '') return undefined;
  if (v === 'NotOlderThan' || v === 'Exact') return v;
  throw new BadRequestError(`Invalid resourceVersionMatch value "${v}": supported values: "NotOlderThan", "Exact"`);
}

export type IncludeObjectPolicy = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(q: Query): IncludeObjectPolicy {
  const v = one(q, 'includeObject');
  if (v === undefined || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw new BadRequestError(`Invalid includeObject value "${v}": supported values: "None", "Metadata", "Object"`);
}

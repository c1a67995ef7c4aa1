import type { z } from 'zod';
import { commonTargetShape, type TargetDefinition } from '@docket/targets';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Maps whose keys are user data: an empty value there is a value, not "unset". */
const DATA_MAPS = new Set(['customFields', 'headers', 'selector', 'params']);

/**
 * Drops `""` values: Policy Reporter (Go) and its Helm values treat an empty string as unset, and
 * its values.yaml lists every target with empty connection fields. Recurses into nested settings
 * and list items, not into user data maps.
 */
export function dropEmpty(raw: Raw): Raw {
  const out: Raw = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === '') continue;
    if (isObject(v) && !DATA_MAPS.has(k)) out[k] = dropEmpty(v);
    else if (Array.isArray(v)) out[k] = v.map((item) => (isObject(item) ? dropEmpty(item) : item));
    else out[k] = v;
  }
  return out;
}

/** Keys of a target's own schema that must be set (common keys and `channels` excluded). */
export function requiredKeys(definition: TargetDefinition<unknown>): string[] {
  const shape = (definition.configSchema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
  return Object.entries(shape)
    .filter(([k, s]) => !(k in commonTargetShape) && k !== 'channels' && !s.safeParse(undefined).success)
    .map(([k]) => k);
}

/**
 * A target block that configures nothing — no required connection key, no channels, no secret to
 * fill them — as Policy Reporter's Helm values have for every target not in use. Like Policy
 * Reporter ("a root is a target only if valid"), such a block is not a target; Docket lists it in
 * `DocketConfig.unconfiguredTargets` instead of failing. A block that sets any of those is validated.
 */
export function isUnconfigured(definition: TargetDefinition<unknown>, flat: Raw): boolean {
  if (flat['secretRef'] !== undefined || flat['mountedSecret'] !== undefined) return false;
  // A key the target does not know is most likely a misspelt connection key (`webhok:`): validate
  // the block so the user hears about it instead of losing the target silently.
  const shape = (definition.configSchema as unknown as { shape?: Record<string, unknown> }).shape;
  if (shape && Object.keys(flat).some((k) => k !== 'config' && !(k in shape))) return false;
  if (Array.isArray(flat['channels']) && flat['channels'].length > 0) return false;
  return requiredKeys(definition).every((k) => flat[k] === undefined);
}

/** Whether a block holds any non-empty text or number (booleans and empty lists are Helm defaults). */
export function hasSettings(value: unknown): boolean {
  if (typeof value === 'string') return value !== '';
  if (typeof value === 'number') return true;
  if (Array.isArray(value)) return value.some(hasSettings);
  if (isObject(value)) return Object.values(value).some(hasSettings);
  return false;
}

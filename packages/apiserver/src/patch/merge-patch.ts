/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`): objects merge key by key, `null`
 * deletes a key, anything else (arrays included) replaces. kubectl's client-side apply, `kubectl
 * patch --type merge`, `kubectl label/annotate` and `kubectl edit` of custom resources send these.
 */
import { BadRequestError } from '@docket/model';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Applies `patch` to `target` and returns the result; neither input is modified.
 * @throws BadRequestError when the patch is not a JSON object (kube rejects a top-level array or scalar).
 */
export function applyMergePatch<T = Record<string, unknown>>(target: unknown, patch: unknown): T {
  if (!isObject(patch)) throw new BadRequestError('a merge patch must be a JSON object');
  return mergeValue(target, patch) as T;
}

function mergeValue(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergeValue(out[key], value);
  }
  return out;
}

/**
 * JSON Patch (RFC 6902, `application/json-patch+json`) with kube's limits: at most 10,000
 * operations (413, like kube-apiserver), and a patch that cannot be applied — a failed `test`, a
 * missing path, a bad index — is 422 Invalid, also as kube answers. kubectl's CSA→SSA upgrade
 * sends one of these with a `test` on /metadata/resourceVersion.
 */
import fjp from 'fast-json-patch';
import { BadRequestError, InvalidError, TooLargeError } from '@docket/model';

/** kube-apiserver's cap on operations in one JSON patch. */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Checks the shape of every operation before anything is applied (400 for malformed input). */
function checkOperations(patch: unknown): fjp.Operation[] {
  if (!Array.isArray(patch)) throw new BadRequestError('a JSON patch must be a JSON array of operations');
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new TooLargeError(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  patch.forEach((op: unknown, i) => {
    const o = op as Record<string, unknown>;
    if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new BadRequestError(`JSON patch operation ${i} is not an object`);
    if (typeof o.op !== 'string' || !OPS.has(o.op)) throw new BadRequestError(`JSON patch operation ${i} has an unknown "op": ${JSON.stringify(o.op)}`);
    if (typeof o.path !== 'string') throw new BadRequestError(`JSON patch operation ${i} (${o.op}) has no "path"`);
    if ((o.op === 'move' || o.op === 'copy') && typeof o.from !== 'string') throw new BadRequestError(`JSON patch operation ${i} (${o.op}) has no "from"`);
    if ((o.op === 'add' || o.op === 'replace' || o.op === 'test') && !('value' in o)) throw new BadRequestError(`JSON patch operation ${i} (${o.op}) has no "value"`);
  });
  return patch as fjp.Operation[];
}

/**
 * Applies an RFC 6902 patch to a copy of `target` and returns the copy; all or nothing.
 * @throws BadRequestError (malformed), TooLargeError (> 10,000 operations), InvalidError (cannot apply, failed test).
 */
export function applyJsonPatch<T = Record<string, unknown>>(target: unknown, patch: unknown): T {
  const ops = checkOperations(patch);
  try {
    // validate=true makes fast-json-patch check each operation against the document (missing paths, bad indices).
    return fjp.applyPatch(structuredClone(target), ops, true, true).newDocument as T;
  } catch (e) {
    const err = e as { name?: string; message?: string; index?: number; operation?: fjp.Operation };
    if (err.name === 'TEST_OPERATION_FAILED' || (err as Error).message?.startsWith('Test operation failed')) {
      throw new InvalidError(`the JSON patch's test operation ${err.index ?? ''} failed: ${JSON.stringify(err.operation?.path)} does not hold the tested value`.replace('  ', ' '));
    }
    const first = (err.message ?? String(e)).split('\n')[0];
    throw new InvalidError(`the JSON patch could not be applied${err.index !== undefined ? ` (operation ${err.index})` : ''}: ${first}`);
  }
}

/**
 * PATCH: read → apply the patch to the object in the client's version → validate → update with
 * the version read. A concurrent writer makes the update fail with Conflict; then we read again
 * and re-apply (as kube does), unless the patch pinned a resourceVersion itself, in which case the
 * conflict is the answer. Server-side apply to a missing object creates it (201).
 */
import { BadRequestError, ConflictError, NotFoundError, type ReportObject } from '@docket/model';
import { parsePatchBody, patchTypeOf, type PatchType } from './body.ts';
import { negotiate } from './negotiate.ts';
import { one, parseBool, parseDryRun, parseFieldValidation } from './query.ts';
import { keyOf } from './scope.ts';
import { addWarnings, sendDocument } from './respond.ts';
import { toWire, applyPatchTo } from './render.ts';
import { prepareObject } from './write.ts';
import type { HandlerContext } from './context.ts';

const MAX_ATTEMPTS = 5;

/** Whether the patch itself names a resourceVersion (then it is a precondition, not retried). */
export function patchPinsResourceVersion(type: PatchType, patch: unknown): boolean {
  if (type === 'json') {
    return (patch as Array<{ path?: unknown }>).some((op) => op && op.path === '/metadata/resourceVersion');
  }
  const meta = (patch as Record<string, unknown>)['metadata'];
  return !!meta && typeof meta === 'object' && (meta as Record<string, unknown>)['resourceVersion'] !== undefined
    && (meta as Record<string, unknown>)['resourceVersion'] !== null;
}

export async function handlePatch(ctx: HandlerContext): Promise<unknown> {
  const { scope, store, req, reply, query } = ctx;
  const type = patchTypeOf(req.headers['content-type']);
  const dryRun = parseDryRun(query);
  const fieldValidation = parseFieldValidation(query);
  const rep = negotiate(req.headers.accept, 'write');
  const patch = parsePatchBody(req.body, type);
  const fieldManager = one(query, 'fieldManager');
  const force = parseBool(query, 'force');
  if (type === 'apply' && !fieldManager) throw new BadRequestError('PATCH, fieldManager is required for apply requests');
  if (type !== 'apply' && force) throw new BadRequestError('force may only be specified with apply patches');
  const pinned = patchPinsResourceVersion(type, patch);
  const key = keyOf(scope, scope.name!);

  for (let attempt = 1; ; attempt++) {
    let current: ReportObject | undefined;
    try {
      current = await store.get(key);
    } catch (e) {
      if (!(e instanceof NotFoundError) || type !== 'apply') throw e;
    }
    const patched = applyPatchTo({
      current: current ? toWire(current, scope.version) : undefined,
      patch, type, fieldManager, force, scope, now: ctx.clock(),
    });
    const meta = (patched['metadata'] ?? {}) as Record<string, unknown>;
    if (meta['name'] !== undefined && meta['name'] !== scope.name) {
      throw new BadRequestError(`the name of the object (${String(meta['name'])}) does not match the name on the URL (${scope.name!})`);
    }
    const { object, warnings } = prepareObject(patched, scope, fieldValidation);
    object.metadata.name = scope.name!;
    try {
      let result: ReportObject;
      let code = 200;
      if (!current) {
        result = await store.create(key, object, { dryRun });
        code = 201;
      } else {
        const expected = pinned ? (object.metadata.resourceVersion ?? current.metadata.resourceVersion) : current.metadata.resourceVersion;
        result = await store.update(key, object, expected ? { dryRun, expectedResourceVersion: expected } : { dryRun });
      }
      addWarnings(reply, warnings);
      return sendDocument(reply, code, toWire(result, scope.version), rep.kind === 'object' ? rep.format : 'json');
    } catch (e) {
      // Someone wrote in between (or created the object we were about to create): read again.
      const retryable = e instanceof ConflictError || (!current && (e as { code?: string }).code === 'ALREADY_EXISTS');
      if (!retryable || pinned || attempt >= MAX_ATTEMPTS) throw e;
    }
  }
}

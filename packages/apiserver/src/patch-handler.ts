/**
 * PATCH: read → apply the patch to the object in the client's version → validate → update with
 * the version read. A concurrent writer makes the update fail with Conflict; then we read again
 * and re-apply (as kube does), unless the patch pinned a resourceVersion itself, in which case the
 * conflict is the answer. Server-side apply to a missing object creates it (201).
 */
import { AlreadyExistsError, BadRequestError, ConflictError, NotFoundError, type ReportObject } from '@docket/model';
import { parsePatchBody, patchTypeOf, type PatchType } from './body.ts';
import { negotiate } from './negotiate.ts';
import { one, parseBool, parseDryRun, parseFieldValidation, type FieldValidation } from './query.ts';
import { keyOf } from './scope.ts';
import { addWarnings, sendDocument } from './respond.ts';
import { toWire, applyPatchTo } from './render.ts';
import { prepareObject, recordManager } from './write.ts';
import { fieldManagerOf } from './patch/index.ts';
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

interface PatchRequest {
  type: PatchType;
  patch: unknown;
  /** The `fieldManager` parameter, or (not for apply) the User-Agent's product name. */
  fieldManager: string;
  force: boolean;
  dryRun: boolean;
  fieldValidation: FieldValidation;
  pinned: boolean;
}

/** One read-patch-write round; ConflictError (or AlreadyExists when creating) means "read again". */
async function patchOnce(ctx: HandlerContext, p: PatchRequest): Promise<{ code: number; object: ReportObject; warnings: string[] }> {
  const { scope, store } = ctx;
  const key = keyOf(scope, scope.name!);
  let current: ReportObject | undefined;
  try {
    current = await store.get(key);
  } catch (e) {
    // Server-side apply creates what is missing; other patch types need an object to patch.
    if (!(e instanceof NotFoundError) || p.type !== 'apply') throw e;
  }
  const currentWire = current ? toWire(current, scope.version) : undefined;
  const { object: patched, changed } = applyPatchTo({
    current: currentWire, patch: p.patch, type: p.type, fieldManager: p.fieldManager, force: p.force, scope, now: ctx.clock(),
  });
  // An apply that changes nothing writes nothing (no new resourceVersion, no watch event), as in kube.
  if (current && !changed) return { code: 200, object: current, warnings: [] };
  const meta = (patched['metadata'] ?? {}) as Record<string, unknown>;
  if (meta['name'] !== undefined && meta['name'] !== scope.name) {
    throw new BadRequestError(`the name of the object (${String(meta['name'])}) does not match the name on the URL (${scope.name!})`);
  }
  const { object, warnings } = prepareObject(patched, scope, p.fieldValidation);
  object.metadata.name = scope.name!;
  // Apply computed managedFields itself; other patches are Update operations.
  if (p.type !== 'apply') recordManager(ctx, object, currentWire, patched, p.fieldManager);
  if (!current) return { code: 201, object: await store.create(key, object, { dryRun: p.dryRun }), warnings };
  const expected = p.pinned ? (object.metadata.resourceVersion ?? current.metadata.resourceVersion) : current.metadata.resourceVersion;
  const updated = await store.update(key, object, expected ? { dryRun: p.dryRun, expectedResourceVersion: expected } : { dryRun: p.dryRun });
  return { code: 200, object: updated, warnings };
}

export async function handlePatch(ctx: HandlerContext): Promise<unknown> {
  const { scope, req, reply, query } = ctx;
  const type = patchTypeOf(req.headers['content-type']);
  const rep = negotiate(req.headers.accept, 'write');
  const patch = parsePatchBody(req.body, type);
  const p: PatchRequest = {
    type, patch, fieldManager: type === 'apply' ? one(query, 'fieldManager') ?? '' : fieldManagerOf(one(query, 'fieldManager'), req.headers['user-agent']),
    force: parseBool(query, 'force'),
    dryRun: parseDryRun(query), fieldValidation: parseFieldValidation(query), pinned: patchPinsResourceVersion(type, patch),
  };
  if (type === 'apply' && !p.fieldManager) throw new BadRequestError('PATCH, fieldManager is required for apply requests');
  if (type !== 'apply' && p.force) throw new BadRequestError('force may only be specified with apply patches');
  const key = keyOf(scope, scope.name!);
  const result = await ctx.patchLock.run(`${key.group}/${key.resource}/${key.namespace}/${key.name}`, async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await patchOnce(ctx, p);
      } catch (e) {
        // Another writer got in between our read and our write: read again and re-apply.
        const retryable = e instanceof ConflictError || e instanceof AlreadyExistsError;
        if (!retryable || p.pinned || attempt >= MAX_ATTEMPTS) throw e;
      }
    }
  });
  addWarnings(reply, result.warnings);
  return sendDocument(reply, result.code, toWire(result.object, scope.version), rep.kind === 'object' ? rep.format : 'json');
}

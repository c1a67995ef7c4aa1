/**
 * DELETE of one object (with DeleteOptions preconditions) and of a collection (deletecollection
 * with label/field selectors). Docket keeps no dependents, so propagationPolicy is validated and
 * otherwise has nothing to cascade to.
 */
import { BadRequestError } from '@docket/model';
import type { DeleteOptions } from '@docket/store';
import { parseOptionalBody } from './body.ts';
import { one, parseDryRun, type Query } from './query.ts';
import { apiVersionOf, keyOf, refOf, writeNamespace } from './scope.ts';
import { sendDocument, sendList } from './respond.ts';
import { successStatus } from './status.ts';
import { toWire } from './render.ts';
import { selectorsOf } from './list-options.ts';
import type { HandlerContext } from './context.ts';

const POLICIES = new Set(['Orphan', 'Background', 'Foreground']);

interface ParsedDeleteOptions {
  dryRun: boolean;
  preconditions: { uid?: string; resourceVersion?: string };
}

/** Merges query parameters and an optional `DeleteOptions` body, validating both. */
export function parseDeleteOptions(body: Record<string, unknown> | undefined, q: Query): ParsedDeleteOptions {
  let dryRun = parseDryRun(q);
  const policy = (body?.['propagationPolicy'] as string | undefined) ?? one(q, 'propagationPolicy');
  if (policy !== undefined && policy !== null && !POLICIES.has(policy)) {
    throw new BadRequestError(`Invalid propagationPolicy value "${String(policy)}": supported values: "Orphan", "Background", "Foreground"`);
  }
  const bodyDryRun = body?.['dryRun'];
  if (bodyDryRun !== undefined) {
    if (!Array.isArray(bodyDryRun) || bodyDryRun.some((v) => v !== 'All')) {
      throw new BadRequestError('Invalid dryRun value: supported values: "All"');
    }
    dryRun ||= bodyDryRun.length > 0;
  }
  const pre = body?.['preconditions'];
  const preconditions: ParsedDeleteOptions['preconditions'] = {};
  if (pre !== undefined && pre !== null) {
    if (typeof pre !== 'object') throw new BadRequestError('preconditions must be an object');
    const { uid, resourceVersion } = pre as Record<string, unknown>;
    if (typeof uid === 'string' && uid !== '') preconditions.uid = uid;
    if (typeof resourceVersion === 'string' && resourceVersion !== '') preconditions.resourceVersion = resourceVersion;
  }
  return { dryRun, preconditions };
}

export async function handleDelete(ctx: HandlerContext): Promise<unknown> {
  const { scope, store, req, reply, query } = ctx;
  const opts = parseDeleteOptions(parseOptionalBody(req.body, req.headers['content-type']), query);
  const storeOpts: DeleteOptions = { dryRun: opts.dryRun };
  if (opts.preconditions.uid) storeOpts.expectedUid = opts.preconditions.uid;
  if (opts.preconditions.resourceVersion) storeOpts.expectedResourceVersion = opts.preconditions.resourceVersion;
  const res = await store.delete(keyOf(scope, scope.name!), storeOpts);
  // Like kube for custom resources: a Success Status when gone, the object while finalizers hold it.
  if (!res.deleted) return sendDocument(reply, 200, toWire(res.object, scope.version));
  const details = { name: scope.name!, group: scope.resource.group, kind: scope.resource.plural, uid: res.object.metadata.uid ?? '' };
  return sendDocument(reply, 200, successStatus(details));
}

export async function handleDeleteCollection(ctx: HandlerContext): Promise<unknown> {
  const { scope, store, req, reply, query } = ctx;
  writeNamespace(scope);
  const opts = parseDeleteOptions(parseOptionalBody(req.body, req.headers['content-type']), query);
  const deleted = await store.deleteCollection(refOf(scope), selectorsOf(query), { dryRun: opts.dryRun });
  const rv = await store.currentResourceVersion();
  return sendList(reply, { apiVersion: apiVersionOf(scope), kind: scope.resource.listKind, metadata: { resourceVersion: rv } },
    deleted, (hub) => toWire(hub, scope.version));
}

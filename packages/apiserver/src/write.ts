/**
 * POST (create) and PUT (update): decode with the model in the URL's version, check that the
 * body addresses the URL's object, recompute the summary, store, and answer in the same version.
 */
import { BadRequestError, InvalidError, NotFoundError, type ReportObject } from '@docket/model';
import { computeSummary } from '@docket/core';
import { parseObjectBody } from './body.ts';
import { negotiate } from './negotiate.ts';
import { one, parseDryRun, parseFieldValidation, type FieldValidation } from './query.ts';
import { apiVersionOf, keyOf, writeNamespace, type RequestScope } from './scope.ts';
import { fieldManagerOf, recordUpdate } from './patch/index.ts';
import { addWarnings, sendDocument } from './respond.ts';
import { decodeHub, toWire } from './render.ts';
import type { HandlerContext } from './context.ts';

/**
 * Turns a wire object (already parsed JSON) into the hub object to store: namespace checked
 * against the URL, decoded and validated by the model (which checks apiVersion/kind), summary recomputed.
 */
export function prepareObject(raw: Record<string, unknown>, scope: RequestScope, fieldValidation: FieldValidation): { object: ReportObject; warnings: string[] } {
  const namespace = writeNamespace(scope);
  const meta = raw['metadata'];
  const bodyNs = meta && typeof meta === 'object' ? (meta as Record<string, unknown>)['namespace'] : undefined;
  if (scope.resource.namespaced && bodyNs !== undefined && bodyNs !== '' && bodyNs !== namespace) {
    throw new BadRequestError('the namespace of the provided object does not match the namespace sent on the request');
  }
  const { object, warnings } = decodeHub(raw, scope, fieldValidation);
  if (scope.resource.namespaced) object.metadata.namespace = namespace;
  else delete object.metadata.namespace; // kube clears it on cluster-scoped kinds
  // Producers routinely send summaries that contradict their results: never trust them.
  object.summary = computeSummary(object.results);
  return { object, warnings };
}

/**
 * Records an Update-operation write in managedFields (kube tracks every writer, not only
 * appliers, so a later server-side apply sees who owns what). Called after validation, so a
 * malformed body fails with its own error first; `before`/`after` are wire objects.
 */
export function recordManager(ctx: HandlerContext, object: ReportObject, before: Record<string, unknown> | undefined,
  after: Record<string, unknown>, manager = fieldManagerOf(one(ctx.query, 'fieldManager'), ctx.req.headers['user-agent'])): void {
  const managedFields = recordUpdate({ before, after, manager, apiVersion: apiVersionOf(ctx.scope), now: ctx.clock() });
  if (managedFields.length > 0) object.metadata.managedFields = managedFields;
  else delete object.metadata.managedFields;
}

export async function handleCreate(ctx: HandlerContext): Promise<unknown> {
  const { scope, store, req, reply, query } = ctx;
  const dryRun = parseDryRun(query);
  const rep = negotiate(req.headers.accept, 'write');
  const raw = parseObjectBody(req.body, req.headers['content-type']);
  const { object, warnings } = prepareObject(raw, scope, parseFieldValidation(query));
  recordManager(ctx, object, undefined, raw);
  const name = object.metadata.name ?? '';
  if (name === '' && !object.metadata.generateName) {
    throw new InvalidError(`${scope.resource.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
      { group: scope.resource.group, kind: scope.resource.kind, name: '' },
      [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
  }
  const created = await store.create(keyOf(scope, name), object, { dryRun });
  addWarnings(reply, warnings);
  return sendDocument(reply, 201, toWire(created, scope.version), rep.kind === 'object' ? rep.format : 'json');
}

export async function handleUpdate(ctx: HandlerContext): Promise<unknown> {
  const { scope, store, req, reply, query } = ctx;
  const dryRun = parseDryRun(query);
  const rep = negotiate(req.headers.accept, 'write');
  const raw = parseObjectBody(req.body, req.headers['content-type']);
  const name = scope.name!;
  const current = await store.get(keyOf(scope, name)).catch((e: unknown) => {
    if (e instanceof NotFoundError) return undefined; // the update below answers 404
    throw e;
  });
  const { object, warnings } = prepareObject(raw, scope, parseFieldValidation(query));
  recordManager(ctx, object, current && toWire(current, scope.version), raw);
  if (object.metadata.name !== undefined && object.metadata.name !== name) {
    throw new BadRequestError(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
  }
  object.metadata.name = name;
  const rv = object.metadata.resourceVersion;
  const updated = await store.update(keyOf(scope, name), object, rv ? { dryRun, expectedResourceVersion: rv } : { dryRun });
  addWarnings(reply, warnings);
  return sendDocument(reply, 200, toWire(updated, scope.version), rep.kind === 'object' ? rep.format : 'json');
}

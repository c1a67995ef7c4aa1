/** GET of one object and of a collection (list), in every negotiated representation. */
import type { ReportObject } from '@docket/model';
import type { ListOptions } from '@docket/store';
import { negotiate } from './negotiate.ts';
import { listOptionsOf } from './list-options.ts';
import { parseIncludeObject } from './query.ts';
import { keyOf, refOf, apiVersionOf } from './scope.ts';
import { JSON_TYPE, sendBatchedList, sendBatchedListJson, sendDocument, sendList } from './respond.ts';
import { readStepped } from './list-stream.ts';
import { tableOf, tableHead, tableRowOf, toPartial, toWire, wireJson, PARTIAL_LIST_KIND, META_V1 } from './render.ts';
import type { HandlerContext } from './context.ts';

export async function handleGet(ctx: HandlerContext): Promise<unknown> {
  const { scope, store, req, reply } = ctx;
  const rep = negotiate(req.headers.accept, 'object');
  const hub = await store.get(keyOf(scope, scope.name!));
  switch (rep.kind) {
    case 'table':
      return sendDocument(reply, 200, tableOf([hub], scope, parseIncludeObject(ctx.query), { resourceVersion: hub.metadata.resourceVersion ?? '' }, ctx.clock()));
    case 'metadata':
      return sendDocument(reply, 200, toPartial(hub));
    default:
      if (rep.kind === 'object' && rep.format === 'yaml') return sendDocument(reply, 200, toWire(hub, scope.version), 'yaml');
      return reply.code(200).type(JSON_TYPE).send(wireJson(hub, scope.version));
  }
}

export async function handleList(ctx: HandlerContext): Promise<unknown> {
  const { scope, store, req, reply, query } = ctx;
  const rep = negotiate(req.headers.accept, 'list');
  const includeObject = parseIncludeObject(query);
  // Tables and metadata lists need no results: let the store skip reading them.
  const summaryOnly = rep.kind === 'metadata-list' || (rep.kind === 'table' && includeObject !== 'Object');
  const opts = listOptionsOf(query, summaryOnly ? 'summary' : 'full');
  if (rep.kind === 'object' && rep.format === 'yaml') return handleYamlList(ctx, opts);
  // JSON is streamed while it is read from the store, a few items at a time (see list-stream.ts).
  const list = await readStepped(store, refOf(scope), opts);
  const metadata = (): Record<string, unknown> => ({ ...list.tail() });
  switch (rep.kind) {
    case 'table': {
      const now = ctx.clock();
      const { extra } = tableHead({});
      return sendBatchedList(reply, { apiVersion: META_V1, kind: 'Table', extra, metadata }, list.batches,
        (hub: ReportObject) => tableRowOf(hub, scope, includeObject, now), 'rows');
    }
    case 'metadata-list':
      return sendBatchedList(reply, { apiVersion: META_V1, kind: PARTIAL_LIST_KIND, metadata }, list.batches, (hub) => toPartial(hub));
    default:
      return sendBatchedListJson(reply, { apiVersion: apiVersionOf(scope), kind: scope.resource.listKind, metadata }, list.batches,
        (hub) => wireJson(hub, scope.version));
  }
}

/** YAML lists are one document (the yaml library has no streaming writer): read in one store call. */
async function handleYamlList(ctx: HandlerContext, opts: ListOptions): Promise<unknown> {
  const { scope, store, reply } = ctx;
  const res = await store.list(refOf(scope), opts);
  const metadata: Record<string, unknown> = { resourceVersion: res.resourceVersion };
  if (res.continue) {
    metadata['continue'] = res.continue;
    if (res.remainingItemCount !== undefined) metadata['remainingItemCount'] = res.remainingItemCount;
  }
  return sendList(reply, { apiVersion: apiVersionOf(scope), kind: scope.resource.listKind, metadata }, res.items,
    (hub) => toWire(hub, scope.version), 'yaml');
}

/**
 * Generic routes for every resource in RESOURCE_TYPES. Four URL shapes cover them all:
 * namespaced collection and item, and cluster-wide collection and item (cluster-scoped kinds,
 * or the all-namespaces list/watch of namespaced kinds). Each request resolves its scope, then
 * dispatches on the HTTP method to one handler; other methods get 405.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MethodNotAllowedError } from '@docket/model';
import type { ReportStore } from '@docket/store';
import { resolveScope, type ScopeParams } from './scope.ts';
import { parseBool, type Query } from './query.ts';
import { handleGet, handleList } from './read.ts';
import { handleCreate, handleUpdate } from './write.ts';
import { handleDelete, handleDeleteCollection } from './delete.ts';
import { handlePatch } from './patch-handler.ts';
import { handleWatch } from './watch.ts';
import type { Handler, HandlerContext } from './context.ts';
import { createKeyedLock } from './keyed-lock.ts';

const COLLECTION: Record<string, Handler> = {
  GET: async (ctx) => (parseBool(ctx.query, 'watch') ? handleWatch(ctx) : handleList(ctx)),
  POST: handleCreate,
  DELETE: handleDeleteCollection,
};

const ITEM: Record<string, Handler> = {
  GET: handleGet,
  PUT: handleUpdate,
  PATCH: handlePatch,
  DELETE: handleDelete,
};

export function registerResourceRoutes(app: FastifyInstance, store: ReportStore, clock: () => Date): void {
  const watches = new Set<() => void>();
  const patchLock = createKeyedLock();
  // Open watches would keep server.close() waiting for their 30–60 min timeouts: end them first.
  app.addHook('preClose', async () => { for (const stop of [...watches]) stop(); });
  const route = (url: string, namespaced: boolean, handlers: Record<string, Handler>) => {
    app.all(url, async (req: FastifyRequest, reply: FastifyReply) => {
      const scope = resolveScope(req.params as ScopeParams, namespaced);
      const handler = handlers[req.method];
      if (!handler) throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
      const ctx: HandlerContext = { req, reply, scope, query: (req.query ?? {}) as Query, store, clock, watches, patchLock };
      return handler(ctx);
    });
  };
  route('/apis/:group/:version/namespaces/:namespace/:plural', true, COLLECTION);
  route('/apis/:group/:version/namespaces/:namespace/:plural/:name', true, ITEM);
  route('/apis/:group/:version/:plural', false, COLLECTION);
  route('/apis/:group/:version/:plural/:name', false, ITEM);
}

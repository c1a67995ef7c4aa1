/**
 * What every resource handler gets: the resolved scope, the request and reply, and the server's
 * dependencies. Handlers are plain async functions of this context, one file per verb family.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ReportStore } from '@docket/store';
import type { Query } from './query.ts';
import type { RequestScope } from './scope.ts';
import type { KeyedLock } from './keyed-lock.ts';

/** Dependencies of the API server (see buildApiServer). */
export interface ApiServerDeps {
  store: ReportStore;
  logger?: Logger;
  /** Largest accepted request body in bytes; larger bodies get 413 before being read. Default 3 MiB (kube's limit). */
  maxBodyBytes?: number;
  /** Source of "now" (Table ages, managedFields times); default `() => new Date()`. */
  clock?: () => Date;
}

export interface HandlerContext {
  req: FastifyRequest;
  reply: FastifyReply;
  scope: RequestScope;
  query: Query;
  store: ReportStore;
  clock: () => Date;
  /** Stop functions of the open watches, so closing the server ends them instead of waiting for their timeouts. */
  watches: Set<() => void>;
  /** Serialises this process's PATCHes per object (see keyed-lock.ts). */
  patchLock: KeyedLock;
}

export type Handler = (ctx: HandlerContext) => Promise<unknown>;

export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

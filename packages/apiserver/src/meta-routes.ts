/**
 * The non-resource endpoints: health probes, /version, discovery (legacy and aggregated) and
 * OpenAPI. The documents come from the protocol modules (discovery.ts, openapi.ts, version.ts);
 * this file only routes, negotiates and caches them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError, openApiSchema } from '@docket/model';
import type { ReportStore } from '@docket/store';
import {
  apiGroup, apiGroupDiscoveryList, apiGroupList, apiResourceList, discoveryContentType, etagOf, negotiateDiscovery,
} from './discovery.ts';
import { coreAggregatedDiscovery, coreApiVersions, coreV1ResourceList, namespaceObject } from './core-v1.ts';
import { buildOpenApiV2, buildOpenApiV3All, buildOpenApiV3Index, openApiHash, type SchemaOf } from './openapi.ts';
import { KUBE_MINOR, versionInfo } from './version.ts';
import { minimalOpenApiV2Protobuf, OPENAPI_V2_PROTOBUF, wantsProtobuf } from './openapi-v2-pb.ts';
import { sendDocument } from './respond.ts';

const NOT_FOUND = 'the server could not find the requested resource';

/** Sends a cacheable JSON document with an ETag, answering 304 to a matching If-None-Match. */
function sendCached(req: FastifyRequest, reply: FastifyReply, body: unknown, contentType = 'application/json', etag = etagOf(body)): FastifyReply {
  reply.header('ETag', etag);
  if (req.headers['if-none-match'] === etag) return reply.code(304).send();
  // A Buffer body: for strings fastify rewrites the Content-Type parameters (quoting them, adding charset).
  return reply.code(200).header('Content-Type', contentType).send(Buffer.from(JSON.stringify(body)));
}

/** `/api` (core, see core-v1.ts) or `/apis` (the report groups), legacy or aggregated by Accept. */
function discovery(req: FastifyRequest, reply: FastifyReply, core: boolean): FastifyReply {
  const format = negotiateDiscovery(req.headers.accept);
  if (format === 'legacy') return sendDocument(reply, 200, core ? coreApiVersions() : apiGroupList());
  reply.header('Vary', 'Accept');
  return sendCached(req, reply, core ? coreAggregatedDiscovery(format) : apiGroupDiscoveryList(format), discoveryContentType(format));
}

export function registerHealthRoutes(app: FastifyInstance, store: ReportStore): void {
  const ok = async (_req: FastifyRequest, reply: FastifyReply) => reply.type('text/plain; charset=utf-8').send('ok');
  app.get('/healthz', ok);
  app.get('/livez', ok);
  app.get('/readyz', async (req, reply) => {
    try {
      await store.ping();
      return reply.type('text/plain; charset=utf-8').send('ok');
    } catch (err) {
      req.log.warn({ err }, 'readyz: store ping failed');
      return reply.code(503).type('text/plain; charset=utf-8').send('[-]store failed: the database is not reachable\nreadyz check failed');
    }
  });
}

export function registerDiscoveryRoutes(app: FastifyInstance): void {
  app.get('/version', async (_req, reply) => sendDocument(reply, 200, versionInfo()));
  app.get('/api', async (req, reply) => discovery(req, reply, true));
  app.get('/api/v1', async (_req, reply) => sendDocument(reply, 200, coreV1ResourceList()));
  app.get<{ Params: { name: string } }>('/api/v1/namespaces/:name', async (req, reply) => sendDocument(reply, 200, namespaceObject(req.params.name)));
  app.get('/apis', async (req, reply) => discovery(req, reply, false));
  app.get<{ Params: { group: string } }>('/apis/:group', async (req, reply) => {
    const doc = apiGroup(req.params.group);
    if (!doc) throw new NotFoundError(NOT_FOUND);
    return sendDocument(reply, 200, doc);
  });
  app.get<{ Params: { group: string; version: string } }>('/apis/:group/:version', async (req, reply) => {
    const doc = apiResourceList(req.params.group, req.params.version);
    if (!doc) throw new NotFoundError(NOT_FOUND);
    return sendDocument(reply, 200, doc);
  });
}

/** OpenAPI documents are built on first request and kept: they depend only on RESOURCE_TYPES. */
export function registerOpenApiRoutes(app: FastifyInstance, schemaOf: SchemaOf = openApiSchema as unknown as SchemaOf): void {
  let v3: Map<string, Record<string, unknown>> | undefined;
  let v2: Record<string, unknown> | undefined;
  const docs = () => (v3 ??= buildOpenApiV3All(schemaOf));
  app.get('/openapi/v2', async (req, reply) => {
    if (wantsProtobuf(req.headers.accept)) {
      return reply.header('Content-Type', OPENAPI_V2_PROTOBUF).send(minimalOpenApiV2Protobuf('Docket', `v1.${KUBE_MINOR}.0`));
    }
    return sendCached(req, reply, (v2 ??= buildOpenApiV2(schemaOf)));
  });
  app.get('/openapi/v3', async (req, reply) => sendCached(req, reply, buildOpenApiV3Index(docs())));
  app.get<{ Params: { group: string; version: string } }>('/openapi/v3/apis/:group/:version', async (req, reply) => {
    const doc = docs().get(`${req.params.group}/${req.params.version}`);
    if (!doc) throw new NotFoundError(NOT_FOUND);
    // The index links with ?hash=…: such URLs are immutable, as kube marks them.
    if ((req.query as Record<string, unknown>)['hash']) reply.header('Cache-Control', 'public, immutable');
    return sendCached(req, reply, doc, 'application/json', `"${openApiHash(doc)}"`);
  });
}

/**
 * buildApiServer: the Kubernetes-compatible HTTP surface over a ReportStore. It listens nowhere;
 * the composition root (the CLI) calls `listen`. Tests drive it with `inject` or a port-0 listen.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { failureStatus, statusFor } from './status.ts';
import { registerDiscoveryRoutes, registerHealthRoutes, registerOpenApiRoutes } from './meta-routes.ts';
import { registerResourceRoutes } from './resource-routes.ts';
import { DEFAULT_MAX_BODY_BYTES, type ApiServerDeps } from './context.ts';
import { registerDeliveryRoutes, type DeliveriesDeps } from './deliveries-routes.ts';

export function buildApiServer(deps: ApiServerDeps & DeliveriesDeps): FastifyInstance {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    // Every route answers its own methods (and 405 for the rest); automatic HEAD routes would clash.
    exposeHeadRoutes: false,
    // Object names may be long (253) and label selectors longer; kube imposes no small URL limit.
    routerOptions: { maxParamLength: 1024 },
    // Producers write thousands of reports a minute: one info line per request would drown the
    // log. Requests are logged at debug below; failures at error in the error handler.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;

  // Bodies arrive as raw bytes whatever their type; handlers parse them (JSON, YAML, patches) so
  // every decoding error becomes a Status naming the problem. The body limit still applies while
  // reading, so an oversized body is refused with 413 without being buffered.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err, req, reply) => {
    const { status, unexpected } = statusFor(err);
    if (unexpected) req.log.error({ err }, 'unexpected error while serving the request');
    if (reply.sent || reply.raw.headersSent) return;
    return reply.code(status.code).type('application/json').send(JSON.stringify(status));
  });
  app.setNotFoundHandler((_req, reply) => {
    const status = failureStatus(404, 'NotFound', 'the server could not find the requested resource');
    return reply.code(404).type('application/json').send(JSON.stringify(status));
  });

  // Only registered when it would log: an async hook costs every request a promise and a log object.
  if (deps.logger?.isLevelEnabled('debug')) {
    app.addHook('onResponse', async (req, reply) => {
      req.log.debug({ method: req.method, url: req.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    });
  }

  const clock = deps.clock ?? (() => new Date());
  registerHealthRoutes(app, deps.store);
  registerDiscoveryRoutes(app);
  registerOpenApiRoutes(app);
  registerResourceRoutes(app, deps.store, clock);
  if (deps.deliveries) registerDeliveryRoutes(app, deps.deliveries);
  return app;
}

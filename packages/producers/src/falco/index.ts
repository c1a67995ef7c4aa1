import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { defineProducer, type Producer, type ProducerDeps } from '../types.ts';
import { falcoConfigSchema, type FalcoConfig } from './config.ts';
import { createFalcoListener } from './http.ts';

export { falcoConfigSchema, FALCO_PRIORITIES, isLoopback, type FalcoConfig, type FalcoMapConfig, type FalcoPriority } from './config.ts';
export { toFalcoResult, falcoSeverity, falcoResult, parsePriority } from './map.ts';
export { handleFalcoBody, createFalcoListener } from './http.ts';

/** Runs the Falco endpoint on `host:port` until the signal aborts. `onListening` reports the bound port (0 = any). */
export function createFalcoSource(config: FalcoConfig, deps: ProducerDeps, onListening?: (port: number) => void): Producer {
  return {
    type: 'falco',
    async run(hooks, signal) {
      const token = config.tokenFile ? readFileSync(config.tokenFile, 'utf8').trim() : undefined;
      const listener = createFalcoListener(config, hooks, token);
      const t = config.tls;
      const server = t
        ? createHttpsServer({
          cert: readFileSync(t.certFile), key: readFileSync(t.keyFile),
          ...(t.clientCaFile ? { ca: readFileSync(t.clientCaFile), requestCert: true, rejectUnauthorized: true } : {}),
        }, listener)
        : createServer(listener);
      server.listen(config.port, config.host);
      await once(server, 'listening');
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      deps.logger.info({ producer: 'falco', host: config.host, port, tls: Boolean(t), mtls: Boolean(t?.clientCaFile), token: Boolean(token) }, 'falco endpoint listening');
      onListening?.(port);
      hooks.onState?.('streaming');
      if (!signal.aborted) await once(signal, 'abort');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      hooks.onState?.('stopped');
    },
  };
}

/** Falco: events from http_output / falcosidekick webhook → per-pod, per-resource or per-node reports. */
export const falcoProducer = defineProducer<FalcoConfig>({
  type: 'falco',
  configSchema: falcoConfigSchema,
  create: (config, deps) => createFalcoSource(config, deps),
});

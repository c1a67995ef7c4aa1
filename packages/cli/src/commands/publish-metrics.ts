/**
 * Prometheus metrics of `docket publish`, one label `adapter` per producer, and the HTTP
 * endpoint that serves them with `/healthz` and `/readyz`.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Skip } from '@docket/producers';
import type { WriteOutcome } from '@docket/kube';

export interface PublishMetrics {
  registry: Registry;
  received(adapter: string): void;
  mapped(adapter: string): void;
  dropped(adapter: string, reason: string, n?: number): void;
  lost(adapter: string, n: number): void;
  write(adapter: string, outcome: WriteOutcome, ms: number): void;
  reconnect(adapter: string): void;
  adapterUp(adapter: string, up: boolean): void;
  leader(isLeader: boolean): void;
  pending(adapter: string, n: number): void;
}

/**
 * A bounded label for why an input was dropped: `malformed`, `duplicate`, `filtered`, or the
 * writer's `ttl`/`cap`. Skip reasons themselves can carry values (a verdict name) and go to logs.
 */
export function dropReason(skip: Skip): string {
  if (skip.malformed) return 'malformed';
  if (skip.skip.startsWith('duplicate')) return 'duplicate';
  return 'filtered';
}

export function createPublishMetrics(): PublishMetrics {
  const registry = new Registry();
  // No prom-client default metrics: some of them (nodejs_active_handles_total, a gauge) fail promtool's lint.
  const labels = ['adapter'] as const;
  const c = (name: string, help: string, labelNames: readonly string[] = labels) =>
    new Counter({ name: `docket_publisher_${name}`, help, labelNames: [...labelNames], registers: [registry] });
  const received = c('events_received_total', 'Events received from the source (mapped + dropped).');
  const mapped = c('results_mapped_total', 'Events mapped to a report result.');
  const dropped = c('events_dropped_total', 'Events or results dropped, by reason (malformed, duplicate, filtered, ttl, cap).', ['adapter', 'reason']);
  const lost = c('source_lost_events_total', 'Events the source itself reported as lost (Hubble lost_events).');
  const writes = c('api_writes_total', 'Report write attempts by outcome (created, updated, unchanged, conflict, retry, failed).', ['adapter', 'outcome']);
  const conflicts = c('write_conflicts_total', 'Report writes answered with 409 Conflict/AlreadyExists (re-read and merged).');
  const reconnects = c('reconnects_total', 'Stream reconnects after the stream ended or failed.');
  const latency = new Histogram({
    name: 'docket_publisher_write_duration_seconds', help: 'Latency of one report write attempt.', labelNames: [...labels],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
  });
  const up = new Gauge({ name: 'docket_publisher_adapter_up', help: '1 while the adapter streams or has delivered its input.', labelNames: [...labels], registers: [registry] });
  const leader = new Gauge({ name: 'docket_publisher_leader', help: '1 while this replica holds the Lease (or runs without leader election).', registers: [registry] });
  const pending = new Gauge({ name: 'docket_publisher_pending_results', help: 'Results waiting for the next write.', labelNames: [...labels], registers: [registry] });
  return {
    registry,
    received: (a) => received.inc({ adapter: a }),
    mapped: (a) => mapped.inc({ adapter: a }),
    dropped: (a, reason, n = 1) => dropped.inc({ adapter: a, reason }, n),
    lost: (a, n) => lost.inc({ adapter: a }, n),
    write: (a, outcome, ms) => {
      writes.inc({ adapter: a, outcome });
      if (outcome === 'conflict') conflicts.inc({ adapter: a });
      latency.observe({ adapter: a }, ms / 1000);
    },
    reconnect: (a) => reconnects.inc({ adapter: a }),
    adapterUp: (a, u) => up.set({ adapter: a }, u ? 1 : 0),
    leader: (l) => leader.set(l ? 1 : 0),
    pending: (a, n) => pending.set({ adapter: a }, n),
  };
}

export interface Readiness {
  ready: boolean;
  detail: Record<string, unknown>;
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `/metrics`, `/healthz` (process alive) and `/readyz` (from `readiness()`). */
export async function startHealthServer(host: string, port: number, metrics: PublishMetrics, readiness: () => Readiness): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (e: Error) => res.writeHead(500).end(e.message),
      );
    } else if (path === '/healthz' || path === '/livez') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } else if (path === '/readyz') {
      const r = readiness();
      res.writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ready: r.ready, ...r.detail }));
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(port, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => { throw e as Error; })]);
  const addr = server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

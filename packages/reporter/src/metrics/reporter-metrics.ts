import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReportObject } from '@docket/model';
import type { MetricsConfig } from '../config/metrics-schema.ts';
import { createReportGauges, type ReportGauges, type ReportRef } from './report-gauges.ts';

/** How one send attempt ended. `retry`: failed, will be retried; `failed`: failed for good (not retryable); `dead`: attempts exhausted. */
export type SendOutcome = 'success' | 'retry' | 'failed' | 'dead';

/** Why a watch restarted (bounded, so it can be a label). */
export type WatchRestartReason = 'gone' | 'error' | 'ended' | 'stalled';

/**
 * Every metric the reporter exports, as plain calls. Pipeline, dispatcher and sources call these
 * (directly or through the adapters in `adapters.ts`); nothing here knows about them.
 */
export interface ReporterMetricsHooks {
  /** A report was added or updated (from any source): the result gauges follow it. */
  reportChanged(report: ReportObject, cluster?: string): void;
  /** A report was deleted: its result series are withdrawn. */
  reportDeleted(report: ReportRef, cluster?: string): void;
  /** Results looked at by new-result detection. */
  resultsSeen(count: number, source?: string): void;
  /** Results found new (entered the outbox for at least one target). */
  newResults(count: number, source?: string): void;
  /** Notifications a target's filter skipped. */
  filtered(target: string, count?: number): void;
  /** One send attempt of `count` notifications to `target` ended with `outcome` after `seconds`. */
  sent(target: string, type: string, outcome: SendOutcome, seconds?: number, count?: number): void;
  /** A delivery was scheduled for another attempt. */
  retried(target: string, count?: number): void;
  /** Deliveries waiting in the outbox for `target` (set, not added). */
  queueDepth(target: string, depth: number): void;
  /** Deliveries moved to the dead-letter state. */
  deadLettered(target: string, count?: number): void;
  /** Deliveries currently dead-lettered for `target` (set, not added). */
  deadLetters(target: string, current: number): void;
  /** A source watch restarted (relist after 410 Gone, error backoff, server end, stall). */
  watchRestarted(cluster: string, resource: string, reason: WatchRestartReason): void;
  /** One store operation took `seconds`. */
  storeLatency(operation: string, seconds: number): void;
  /** Whether this replica currently sends (holds the lease, or runs alone). */
  leader(isLeader: boolean): void;
}

export interface ReporterMetrics extends ReporterMetricsHooks {
  /** This instance's own registry (never prom-client's global one). */
  readonly registry: Registry;
  /** The result gauges, or undefined when `metrics.enabled` is false. */
  readonly reportGauges: ReportGauges | undefined;
  /** The exposition text (Prometheus text format 0.0.4) and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface CreateReporterMetricsOptions {
  /** The `metrics` section of the config; result gauges only when `enabled`. */
  config: Pick<MetricsConfig, 'enabled' | 'mode' | 'customLabels' | 'filter'>;
  /** Node.js process metrics (process_*, nodejs_*); default true. Tests turn them off. */
  defaultMetrics?: boolean;
  registry?: Registry;
}

const WATCH_REASONS: ReadonlySet<string> = new Set(['gone', 'error', 'ended', 'stalled']);
const OUTCOMES: ReadonlySet<string> = new Set(['success', 'retry', 'failed', 'dead']);

/** Creates the reporter's metrics on a registry of its own. */
export function createReporterMetrics(opts: CreateReporterMetricsOptions): ReporterMetrics {
  const registry = opts.registry ?? new Registry();
  if (opts.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    // Gauges named *_total fail `promtool check metrics`; the per-type nodejs_active_* gauges stay.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  }
  const { config } = opts;
  const gauges = config.enabled
    ? createReportGauges({ registry, mode: config.mode, customLabels: config.customLabels, ...(config.filter ? { filter: config.filter } : {}) })
    : undefined;
  const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string, labelNames: string[]) => new Gauge({ name, help, labelNames, registers: [registry] });
  const seen = counter('docket_results_seen_total', 'Results looked at by new-result detection.', ['source']);
  const fresh = counter('docket_new_results_total', 'Results detected as new.', ['source']);
  const filtered = counter('docket_notifications_filtered_total', 'Notifications skipped by a target filter.', ['target']);
  const sends = counter('docket_target_sends_total', 'Send attempts by target and outcome (success, retry, failed, dead).', ['target', 'type', 'outcome']);
  const notifications = counter('docket_target_notifications_total', 'Notifications in send attempts by target and outcome.', ['target', 'type', 'outcome']);
  const duration = new Histogram({
    name: 'docket_target_send_duration_seconds', help: 'Duration of one send attempt.', labelNames: ['target', 'type'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
  });
  const retries = counter('docket_delivery_retries_total', 'Deliveries scheduled for another attempt.', ['target']);
  const depth = gauge('docket_outbox_pending', 'Deliveries waiting in the outbox.', ['target']);
  const deadTotal = counter('docket_deliveries_dead_lettered_total', 'Deliveries moved to the dead-letter state.', ['target']);
  const dead = gauge('docket_outbox_dead_letters', 'Deliveries currently dead-lettered.', ['target']);
  const restarts = counter('docket_watch_restarts_total', 'Source watch restarts by reason (gone, error, ended, stalled).', ['cluster', 'resource', 'reason']);
  const store = new Histogram({
    name: 'docket_store_operation_duration_seconds', help: 'Latency of store operations used by the reporter.', labelNames: ['operation'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  });
  const leader = new Gauge({ name: 'docket_reporter_leader', help: '1 while this replica sends notifications.', registers: [registry] });
  return {
    registry,
    reportGauges: gauges,
    reportChanged: (report, cluster) => gauges?.upsert(report, cluster),
    reportDeleted: (report, cluster) => gauges?.remove(report, cluster),
    resultsSeen: (n, source = '') => { if (n > 0) seen.inc({ source }, n); },
    newResults: (n, source = '') => { if (n > 0) fresh.inc({ source }, n); },
    filtered: (target, n = 1) => { if (n > 0) filtered.inc({ target }, n); },
    sent(target, type, outcome, seconds, n = 1) {
      const o = OUTCOMES.has(outcome) ? outcome : 'failed';
      sends.inc({ target, type, outcome: o });
      if (n > 0) notifications.inc({ target, type, outcome: o }, n);
      if (seconds !== undefined) duration.observe({ target, type }, seconds);
    },
    retried: (target, n = 1) => { if (n > 0) retries.inc({ target }, n); },
    queueDepth: (target, n) => depth.set({ target }, n),
    deadLettered: (target, n = 1) => { if (n > 0) deadTotal.inc({ target }, n); },
    deadLetters: (target, n) => dead.set({ target }, n),
    watchRestarted: (cluster, resource, reason) => restarts.inc({ cluster, resource, reason: WATCH_REASONS.has(reason) ? reason : 'error' }),
    storeLatency: (operation, seconds) => store.observe({ operation }, seconds),
    leader: (is) => leader.set(is ? 1 : 0),
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** The reply side of an HTTP framework (fastify's reply satisfies it). */
export interface MetricsReply {
  header(name: string, value: string): unknown;
}

/**
 * A `GET /metrics` handler: sets the content type and returns the exposition text (fastify sends
 * what an async handler returns). `app.get('/metrics', metricsHandler(metrics))`.
 */
export function metricsHandler(metrics: Pick<ReporterMetrics, 'render'>): (request: unknown, reply: MetricsReply) => Promise<string> {
  return async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    reply.header('content-type', contentType);
    return body;
  };
}

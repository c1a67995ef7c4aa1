/**
 * The reporter inside `docket serve --config`: opens the outbox on the store's database, and while
 * this replica leads runs the cluster sources, the change feeds and the dispatcher; on shutdown
 * stops them in order. Leadership: a Lease when a cluster is configured with leaderElection, a
 * PostgreSQL advisory lock when the store is PostgreSQL, else the single process leads.
 */
import { loadKubeConfig } from '@docket/kube';
import { openDeliveryStore, openStore, storeScheme, type DeliveryStore, type ReportStore } from '@docket/store';
import type { DocketConfig } from '../config/index.ts';
import type { ReporterMetricsHooks } from '../metrics/index.ts';
import { compileReportFilter, runClusterSource } from './cluster-source.ts';
import { planFromConfig, pipelineMetricsFrom, type PlanEnv, type ReporterPlan } from './from-config.ts';
import { createAdvisoryLockLeadership, createLeaseLeadership, createSingleLeadership, type Leadership, type LeadershipCallbacks } from './leader.ts';
import { createNamespaceLabelCache, type NamespaceLabelCache } from './namespaces.ts';
import { createPipeline } from './run.ts';
import { runReportFeed } from './report-feed.ts';
import { silentLogger, type PipelineLogger } from './types.ts';

/** What the pipeline needs of the dispatcher (createDispatcher in ../dispatch satisfies it). */
export interface DispatcherLike {
  start(): void;
  stop(): Promise<void>;
  wake(): void;
}

export interface ReporterServiceOptions {
  config: DocketConfig;
  /** The report store's URL; the outbox lives in the same database. */
  storeUrl: string;
  /** The already open report store (cluster id = its `clusterId`). */
  store: ReportStore;
  /** An outbox the caller already has open on `storeUrl` (it stays the caller's to close); else one is opened here. */
  outbox?: DeliveryStore;
  historyRetentionMs?: number;
  env: PlanEnv;
  logger?: PipelineLogger;
  metrics?: ReporterMetricsHooks;
  /**
   * Builds a dispatcher over the outbox for one leadership term (`fence` turns false when it ends);
   * without it nothing is sent (rows wait in the outbox).
   */
  createDispatcher?: (outbox: DeliveryStore, fence: () => boolean) => DispatcherLike;
  /** Tests: a shorter batch delay etc. */
  batchDelayMs?: number;
  /** Advisory-lock / lease poll period (tests make it short). */
  leaderRetryPeriodMs?: number;
}

export interface ReporterService {
  readonly plan: ReporterPlan;
  readonly outbox: DeliveryStore;
  readonly leadership: Leadership;
  /** Stops sources, feeds and dispatcher, gives up leadership, closes the outbox it opened. Idempotent. */
  stop(): Promise<void>;
}

export async function startReporterService(opts: ReporterServiceOptions): Promise<ReporterService> {
  const logger = opts.logger ?? silentLogger;
  const plan = planFromConfig(opts.config, opts.env);
  const outbox = opts.outbox ?? await openDeliveryStore(opts.storeUrl, { clusterId: opts.store.clusterId });
  const closeOutbox = (): Promise<void> => (opts.outbox ? Promise.resolve() : outbox.close());
  const stores = new Map<string, ReportStore>([[opts.store.clusterId, opts.store]]);
  const extra: ReportStore[] = [];
  try {
    for (const s of plan.sources) {
      if (stores.has(s.clusterId)) continue;
      const st = await openStore(opts.storeUrl, { clusterId: s.clusterId, ...(opts.historyRetentionMs ? { historyRetentionMs: opts.historyRetentionMs } : {}) });
      stores.set(s.clusterId, st);
      extra.push(st);
    }
  } catch (e) {
    await Promise.all(extra.map((s) => s.close().catch(() => {})));
    await closeOutbox();
    throw e;
  }
  const kcs = new Map(plan.sources.map((s) => [s.name, loadKubeConfig(s.connection)]));
  const metrics = opts.metrics ? pipelineMetricsFrom(opts.metrics) : undefined;
  let dispatcher: DispatcherLike | undefined;
  if (!opts.createDispatcher) logger.warn({}, 'no dispatcher: notifications are queued in the outbox but not sent');

  let labels: NamespaceLabelCache | undefined;
  const pipeline = createPipeline({
    feeds: [...stores].map(([name, store]) => ({ name, store, resources: plan.feedResources })),
    outbox, targets: plan.targets, detection: plan.detection, logger,
    ...(metrics ? { metrics } : {}),
    onEnqueued: () => dispatcher?.wake(),
    ...(plan.reportNamespaces ? { reportFilter: compileReportFilter({ namespaces: plan.reportNamespaces }) } : {}),
    ...(opts.batchDelayMs !== undefined ? { batchDelayMs: opts.batchDelayMs } : {}),
  });
  if (pipeline.targets.some((t) => t.needsNamespaceLabels)) {
    const first = plan.sources[0];
    if (first) {
      labels = createNamespaceLabelCache(kcs.get(first.name)!, { logger });
    } else {
      logger.warn({}, 'a target filters on namespaces.selector but no cluster is configured to read namespace labels from: the selector matches no namespace');
    }
  }

  const tasks = new Set<Promise<void>>();
  const track = (p: Promise<void>, what: string) => {
    const t = p.catch((e: unknown) => logger.error({ err: (e as Error).message }, `${what} stopped with an error`)).finally(() => tasks.delete(t));
    tasks.add(t);
  };
  const callbacks: LeadershipCallbacks = {
    onStartedLeading(signal) {
      opts.metrics?.leader(true);
      logger.info({ targets: pipeline.targets.map((t) => t.name), sources: plan.sources.map((s) => s.name) }, 'reporter leading: sources, detection and delivery started');
      for (const s of plan.sources) {
        track(runClusterSource({
          name: s.name, kc: kcs.get(s.name)!, store: stores.get(s.clusterId)!, resources: s.resources,
          ...(s.namespaces ? { namespaces: s.namespaces } : {}), ...(s.sources ? { sources: s.sources } : {}),
          ...(s.labelSelector ? { labelSelector: s.labelSelector } : {}),
          ...(metrics ? { metrics } : {}), logger, signal,
        }), `source ${s.name}`);
      }
      track((async () => {
        if (labels) await labels.start(signal);
        await pipeline.run(signal);
      })(), 'pipeline');
      dispatcher = opts.createDispatcher?.(outbox, () => !signal.aborted);
      dispatcher?.start();
    },
    onStoppedLeading() {
      opts.metrics?.leader(false);
      const d = dispatcher;
      dispatcher = undefined;
      if (d) track(d.stop(), 'dispatcher');
    },
  };
  // The result gauges follow every report on every replica (followers serve /metrics too).
  const gaugeStop = new AbortController();
  if (opts.metrics) {
    const onReport = reportGauges(opts.metrics);
    for (const [name, store] of stores) {
      track(runReportFeed({ store, resources: plan.feedResources, signal: gaugeStop.signal, logger, onReport: (type, r) => onReport(type, r, name) }), `report metrics ${name}`);
    }
  }
  if (opts.config.leaderElection.enabled && !plan.leader.lease) {
    logger.warn({}, 'leaderElection.enabled needs a cluster under sources.kubernetes for its Lease: using the store for leadership instead');
  }
  const leadership = chooseLeadership(plan, opts, kcs, callbacks, logger);
  opts.metrics?.leader(false);
  leadership.start();
  logger.info({ leadership: leadership.kind }, 'reporter started');

  let stopping: Promise<void> | undefined;
  return {
    plan, outbox, leadership,
    stop: () => stopping ??= (async () => {
      await leadership.stop(); // aborts the leader's signal: sources and feeds flush, the dispatcher stops
      gaugeStop.abort();
      while (tasks.size > 0) await Promise.all([...tasks]);
      await Promise.all(extra.map((s) => s.close().catch(() => {})));
      await closeOutbox();
    })(),
  };
}

function chooseLeadership(
  plan: ReporterPlan, opts: ReporterServiceOptions, kcs: Map<string, ReturnType<typeof loadKubeConfig>>,
  cb: LeadershipCallbacks, logger: PipelineLogger,
): Leadership {
  const retry = opts.leaderRetryPeriodMs;
  if (plan.leader.lease && plan.leader.leaseSource) {
    const l = plan.leader.lease;
    return createLeaseLeadership({
      kc: kcs.get(plan.leader.leaseSource)!, namespace: l.namespace, name: l.name, identity: l.identity,
      leaseDurationMs: l.leaseDurationMs, renewDeadlineMs: l.renewDeadlineMs, retryPeriodMs: l.retryPeriodMs, logger,
    }, cb);
  }
  if (storeScheme(opts.storeUrl).startsWith('postgres')) {
    return createAdvisoryLockLeadership({ url: opts.storeUrl, name: `docket-reporter/${opts.store.clusterId}`, logger, ...(retry ? { retryPeriodMs: retry } : {}) }, cb);
  }
  return createSingleLeadership(cb);
}

function reportGauges(hooks: ReporterMetricsHooks) {
  return (type: 'ADDED' | 'MODIFIED' | 'DELETED', report: Parameters<ReporterMetricsHooks['reportChanged']>[0], feed: string) => {
    if (type === 'DELETED') hooks.reportDeleted(report, feed);
    else hooks.reportChanged(report, feed);
  };
}

/**
 * `docket publish --config publish.yaml`: run the configured producers (Hubble, KubeArmor, Falco,
 * Trivy, kube-bench, Kyverno events, …) and write their results as reports through one writer per
 * producer, into a Kubernetes API (kube-apiserver or Docket's) or Docket's store in process. With
 * only scan inputs it runs once and exits; with streams it runs until SIGTERM, then flushes.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pino, type Logger } from 'pino';
import {
  createLeaderElector, createLeaseClient, createReportClient, createReportWriter, loadKubeConfig,
  type LeaderElector, type ReportClient,
} from '@docket/kube';
import { producerRegistry, type ProducerDeps, type Skip } from '@docket/producers';
import type { KubeConfig } from '@kubernetes/client-node';
import { CliError, USAGE_EXIT } from '../errors.ts';
import { parseListen } from '../listen.ts';
import type { CliDeps } from '../program.ts';
import type { ServeHandle } from './serve.ts';
import { loadPublishConfig, PublishConfigError, writerLimitsFor, type PublishConfig } from './publish-config.ts';
import { createPublishMetrics, startHealthServer, type PublishMetrics } from './publish-metrics.ts';
import { createOwnerResolver, kubeOwnerReader, noOwners, type OwnerResolver } from './publish-owners.ts';
import { runTerm, type AdapterSpec, type AdapterState } from './publish-pipeline.ts';
import { createStoreReportClient } from './publish-sink.ts';
import { probeReportApi, waitForReportApi } from './publish-preflight.ts';

import type { PublishOptions } from './publish-command.ts';
export type { PublishOptions };

/** Producers that read their whole input and finish; the others stream until stopped. */
const ONE_SHOT = new Set(['trivy', 'kube-bench']);


function withFlags(config: PublishConfig, opts: PublishOptions): PublishConfig {
  const sink = opts.server ? { ...config.sink, server: opts.server, kubeconfig: undefined, inCluster: undefined, store: undefined }
    : opts.kubeconfig || opts.context
      ? { ...config.sink, server: undefined, inCluster: undefined, store: undefined, ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}), ...(opts.context ? { context: opts.context } : {}) }
    : config.sink;
  return {
    ...config,
    sink,
    metrics: opts.metricsListen ? { listen: opts.metricsListen } : config.metrics,
    logLevel: (opts.logLevel as PublishConfig['logLevel'] | undefined) ?? config.logLevel,
  };
}

interface Sink {
  client: ReportClient;
  /** The cluster read from (owners, events, leases): `cluster`, else the sink's API. */
  kc?: KubeConfig;
  describe: string;
  close(): Promise<void>;
}

function kubeConfigOf(c: { server?: string; inCluster?: boolean; kubeconfig?: string; context?: string }, cwd: string): KubeConfig {
  return loadKubeConfig({ server: c.server, inCluster: c.inCluster, kubeconfig: c.kubeconfig ? resolve(cwd, c.kubeconfig) : undefined, context: c.context });
}

async function openSink(config: PublishConfig, deps: CliDeps): Promise<Sink> {
  const s = config.sink;
  const cluster = config.cluster ? kubeConfigOf(config.cluster, deps.cwd) : undefined;
  if (s.store) {
    const { openStore } = await import('@docket/store');
    const url = s.store.startsWith('sqlite:') && !s.store.startsWith('sqlite::') ? `sqlite:${resolve(deps.cwd, s.store.slice(7))}` : s.store;
    const store = await openStore(url, { clusterId: s.clusterId });
    return { client: createStoreReportClient(store), kc: cluster, describe: `store ${store.engine}`, close: () => store.close() };
  }
  const kc = kubeConfigOf(s, deps.cwd);
  return { client: createReportClient(kc), kc: cluster ?? kc, describe: kc.getCurrentCluster()?.server ?? 'kubernetes', close: async () => {} };
}

function lazyStdin(deps: CliDeps): NodeJS.ReadableStream {
  // Read only when a producer is configured with `-`; a file-only run never touches stdin.
  return Readable.from((async function* () { yield await deps.readStdin(); })());
}

/**
 * Validates the configuration, opens the sink and starts the producers. Returns a handle for
 * streaming runs (stop = flush and exit), or undefined after a one-shot run has written everything.
 */
export async function startPublish(opts: PublishOptions, deps: CliDeps): Promise<ServeHandle | undefined> {
  let config: PublishConfig;
  try {
    config = withFlags(await loadPublishConfig(opts.config ? resolve(deps.cwd, opts.config) : undefined, deps.env ?? {}), opts);
  } catch (e) {
    if (e instanceof PublishConfigError) throw new CliError(e.message, USAGE_EXIT);
    throw e;
  }
  let listen;
  try {
    listen = parseListen(config.metrics.listen);
  } catch (e) {
    throw new CliError(`metrics.listen: ${(e as Error).message}`, USAGE_EXIT);
  }
  const logger = pino({ level: config.logLevel, base: { name: 'docket-publish' }, timestamp: pino.stdTimeFunctions.isoTime }, deps.logStream);
  let sink: Sink;
  try {
    sink = await openSink(config, deps);
  } catch (e) {
    throw new CliError(`cannot open the sink: ${(e as Error).message}`, 1);
  }
  const needsCluster = [config.leaderElection.enabled && 'leaderElection', config.producers.kyverno !== undefined && 'producers.kyverno',
    config.producers['trivy-operator'] !== undefined && 'producers.trivy-operator'].filter(Boolean);
  if (!sink.kc && needsCluster.length > 0) {
    await sink.close();
    throw new CliError(`${needsCluster.join(' and ')} need a Kubernetes API to read from: set cluster when the sink is the in-process store`, USAGE_EXIT);
  }
  const metrics = createPublishMetrics();
  const owners: OwnerResolver = sink.kc && config.writer.ownerReferences
    ? createOwnerResolver({ read: kubeOwnerReader(sink.kc) }) : noOwners;
  const types = Object.keys(producerRegistry).filter((t) => (config.producers as Record<string, unknown>)[t] !== undefined);
  const producerDeps: ProducerDeps = { logger: logger.child({ component: 'producer' }), now: Date.now, stdin: lazyStdin(deps), kube: sink.kc };
  const states = new Map<string, AdapterState>(types.map((t) => [t, 'idle']));
  // Scan inputs that could not be read or parsed at all (a one-shot run then fails).
  const badInputs: string[] = [];
  const termOptions = {
    owners, metrics, logger, logReports: config.logReports, states,
    onSkip: (type: string, skip: Skip) => { if (skip.skip.startsWith('malformed: input')) badInputs.push(`${type}: ${skip.skip.slice('malformed: '.length)}`); },
  };
  // Writes refused for good (invalid report, forbidden, bad client setup): their results are gone.
  const failedWrites = { count: 0 };
  const adapters = () => types.map((type) => makeAdapter(type, config, sink.client, producerDeps, metrics, logger, failedWrites));
  const oneShot = types.every((t) => ONE_SHOT.has(t));

  if (oneShot) {
    const missing = config.sink.store ? null : await probeReportApi(sink.client, config.writer.outputGroup);
    if (missing) {
      await sink.close();
      throw new CliError(missing, 1);
    }
    try {
      metrics.leader(true);
      await runTerm(adapters(), new AbortController().signal, termOptions);
    } catch (e) {
      throw new CliError((e as Error).message, 1);
    } finally {
      await sink.close();
    }
    if (failedWrites.count > 0) throw new CliError(`${failedWrites.count} report write(s) were refused; see the log above`, 1);
    if (badInputs.length > 0) throw new CliError(`${badInputs.length} input(s) could not be used (${badInputs.join('; ')}); the others were published`, 1);
    deps.out(`published ${types.join(', ')} results to ${sink.describe}`);
    return undefined;
  }

  let leading = !config.leaderElection.enabled;
  // Set while the report API is missing (no CRDs yet): nothing starts, readiness says why.
  let waitingFor: string | undefined;
  let health;
  try {
    health = await startHealthServer(listen.host, listen.port, metrics, () => ({
      ready: waitingFor === undefined && [...states.values()].every((s) => s === 'streaming' || s === 'done' || s === 'idle')
        && (leading || config.leaderElection.enabled),
      detail: { leader: leading, adapters: Object.fromEntries(states), ...(waitingFor ? { waitingFor } : {}) },
    }));
  } catch (e) {
    await sink.close();
    throw new CliError(`cannot listen on ${config.metrics.listen} for metrics: ${(e as Error).message}`, 1);
  }

  let current: { controller: AbortController; done: Promise<void> } | undefined;
  // A term whose final flush failed: results were lost, so the process must not exit 0.
  let flushError: Error | undefined;
  const startTerm = (outer?: AbortSignal) => {
    const controller = new AbortController();
    outer?.addEventListener('abort', () => controller.abort(), { once: true });
    leading = true;
    metrics.leader(true);
    const done = runTerm(adapters(), controller.signal, termOptions).catch((e: Error) => {
      flushError = e;
      logger.error({ err: e }, 'final flush failed');
    })
      .finally(() => {
        leading = false;
        metrics.leader(false);
        // A former leader is a standby again: its adapters are idle, not failed.
        for (const t of types) states.set(t, 'idle');
      });
    current = { controller, done };
  };
  let elector: LeaderElector | undefined;
  if (config.leaderElection.enabled) {
    const le = config.leaderElection;
    elector = createLeaderElector({
      client: createLeaseClient(sink.kc!), namespace: le.namespace!, name: le.name,
      identity: le.identity ?? `${hostname()}_${randomUUID().slice(0, 8)}`,
      leaseDurationMs: le.leaseDuration, renewDeadlineMs: le.renewDeadline, retryPeriodMs: le.retryPeriod,
      onStartedLeading: (signal) => {
        logger.info({ lease: `${le.namespace}/${le.name}` }, 'leading: starting producers');
        startTerm(signal);
      },
      onStoppedLeading: () => logger.info('lost the lease: producers stop and flush'),
      onNewLeader: (id) => logger.info({ leader: id }, 'another replica leads'),
      onError: (e) => logger.warn({ err: e }, 'lease request failed'),
    });
    metrics.leader(false);
  }
  const lifetime = new AbortController();
  const begin = () => (elector ? elector.start() : startTerm());
  if (config.sink.store) begin();
  else {
    void waitForReportApi(sink.client, config.writer.outputGroup, lifetime.signal, (why, attempt) => {
      waitingFor = why;
      logger.warn({ attempt, reason: why }, 'waiting for the report API before starting producers');
    }).then(() => {
      waitingFor = undefined;
      if (!lifetime.signal.aborted) begin();
    });
  }
  deps.out(`Docket publisher running ${types.join(', ')} into ${sink.describe}; metrics on ${health.url}/metrics`);
  logger.info({ adapters: types, sink: sink.describe, metrics: health.url }, 'publishing');

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('stopping: flushing pending results');
      lifetime.abort();
      current?.controller.abort();
      await current?.done;
      await elector?.stop();
      await health.close();
      await sink.close();
      if (flushError) throw new Error(`pending results could not be written: ${flushError.message}`);
      logger.info('stopped');
    })();
    return stopping;
  };
  return { url: health.url, stop };
}

function makeAdapter(
  type: string, config: PublishConfig, client: ReportClient, deps: ProducerDeps, metrics: PublishMetrics, logger: Logger, failedWrites: { count: number },
): AdapterSpec {
  const def = producerRegistry[type]!;
  const limits = writerLimitsFor(config, type);
  const writer = createReportWriter({
    client,
    group: config.writer.outputGroup,
    flushIntervalMs: config.writer.flushInterval,
    maxResults: limits.maxResults,
    ttlMs: limits.ttlMs,
    labels: { ...config.writer.labels, 'app.kubernetes.io/managed-by': 'docket', 'docket.dev/producer': type },
    metrics: {
      onWrite: (outcome, ms) => {
        if (outcome === 'failed') failedWrites.count++;
        metrics.write(type, outcome, ms);
        metrics.pending(type, writer.stats().pendingResults);
      },
      onDropped: (reason, n) => metrics.dropped(type, reason, n),
    },
    onError: (report, e) => logger.warn({ adapter: type, report, err: e.message }, 'report write failed; results kept for the next flush unless invalid'),
  });
  const producer = def.create((config.producers as Record<string, unknown>)[type], { ...deps, logger: logger.child({ adapter: type }) });
  return { type, producer, writer };
}

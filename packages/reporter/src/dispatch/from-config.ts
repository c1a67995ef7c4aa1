/**
 * From the config file to running dispatchers: the `delivery:` section becomes dispatcher options,
 * and each leadership term gets a dispatcher over fresh target instances (so background work such
 * as webhook keepalives runs on the leader only and stops with its term).
 */
import type { DeliveryStore } from '@docket/store';
import type { Target, TargetDeps } from '@docket/targets';
import type { DeliveryConfig, DocketConfig } from '../config/index.ts';
import type { DispatchLogger } from './deliver.ts';
import { createDispatcher, type Dispatcher, type DispatcherDeps } from './dispatcher.ts';
import type { DispatcherMetrics } from './metrics.ts';

export type DispatcherTuning = Pick<DispatcherDeps, 'concurrency' | 'maxAttempts' | 'backoff' | 'sendTimeoutMs' | 'pollIntervalMs'>;

/** The dispatcher settings a parsed `delivery:` section asks for (durations are already milliseconds). */
export function dispatcherOptions(delivery: DeliveryConfig): DispatcherTuning {
  return {
    concurrency: delivery.concurrency,
    maxAttempts: delivery.maxAttempts,
    backoff: { baseMs: delivery.backoff.base, maxMs: delivery.backoff.max },
    sendTimeoutMs: delivery.sendTimeout,
    pollIntervalMs: delivery.pollInterval,
  };
}

/** Creates every configured target (roots and channels), keyed by its unique name: the outbox `target`. */
export function createConfiguredTargets(config: Pick<DocketConfig, 'targets'>, deps: TargetDeps): Map<string, Target> {
  const out = new Map<string, Target>();
  for (const t of config.targets) out.set(t.name, t.definition.create(t.config, deps) as Target);
  return out;
}

export interface DispatcherFactoryOptions {
  config: Pick<DocketConfig, 'targets' | 'delivery'>;
  targetDeps: TargetDeps;
  metrics?: DispatcherMetrics;
  logger?: DispatchLogger;
  /** Overrides of the config-derived options (tests). */
  overrides?: Partial<DispatcherDeps>;
}

/**
 * Returns `(outbox, fence) => Dispatcher` for the reporter service's `createDispatcher` option:
 * each call creates the targets and a dispatcher; stopping that dispatcher closes its targets.
 */
export function createDispatcherFactory(opts: DispatcherFactoryOptions): (outbox: DeliveryStore, fence: () => boolean) => Dispatcher {
  return (outbox, fence) => {
    const targets = createConfiguredTargets(opts.config, opts.targetDeps);
    const d = createDispatcher({
      store: outbox, targets, fence, ...dispatcherOptions(opts.config.delivery),
      ...(opts.metrics ? { metrics: opts.metrics } : {}), ...(opts.logger ? { logger: opts.logger } : {}), ...opts.overrides,
    });
    let stopped: Promise<void> | undefined;
    return {
      ...d,
      stop: () => stopped ??= (async () => {
        await d.stop();
        await Promise.all([...targets.values()].map((t) => t.close?.()
          .catch((err: unknown) => opts.logger?.warn({ target: t.name, err: String(err) }, 'closing the target failed'))));
      })(),
    };
  };
}

/** Maps the `delivery` section of the config file onto dispatcher options. */
import type { DeliveryConfig } from '../config/index.ts';
import type { DispatcherDeps } from './dispatcher.ts';

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

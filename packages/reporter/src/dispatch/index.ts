// Barrel of the dispatch part of the reporter: the outbox → targets dispatcher.
export { createDispatcher, payloadAsNotification, ONE_BY_ONE_CLAIM, type Dispatcher, type DispatcherDeps } from './dispatcher.ts';
export { noopDispatcherMetrics, type DispatcherMetrics, type DispatchOutcome } from './metrics.ts';
export { reportQueueDepth } from './queue-depth.ts';
export { classifyFailure, retryDelayMs, type BackoffOptions, type FailureInfo } from './retry-policy.ts';
export type { DispatchLogger } from './deliver.ts';
export { createDispatcherFactory, createConfiguredTargets, dispatcherOptions, type DispatcherFactoryOptions, type DispatcherTuning } from './from-config.ts';

/**
 * What the dispatcher reports. The shape is a subset of the reporter metrics hooks, so the
 * metrics part's object can be passed as is; the default records nothing.
 */

/** How one send attempt ended: `retry` failed and will be retried, `failed` failed for good (not retryable), `dead` attempts exhausted. */
export type DispatchOutcome = 'success' | 'retry' | 'failed' | 'dead';

export interface DispatcherMetrics {
  /** One send attempt of `count` notifications to `target` (of registry `type`) ended with `outcome` after `seconds`. */
  sent(target: string, type: string, outcome: DispatchOutcome, seconds?: number, count?: number): void;
  /** Deliveries scheduled for another attempt. */
  retried(target: string, count?: number): void;
  /** Deliveries moved to the dead-letter state. */
  deadLettered(target: string, count?: number): void;
  /** Deliveries waiting (pending or in flight) for `target`: a gauge, set not added. */
  queueDepth(target: string, depth: number): void;
  /** Deliveries currently dead-lettered for `target`: a gauge. */
  deadLetters(target: string, current: number): void;
}

/** A {@link DispatcherMetrics} that records nothing. */
export const noopDispatcherMetrics: DispatcherMetrics = Object.freeze({
  sent() {}, retried() {}, deadLettered() {}, queueDepth() {}, deadLetters() {},
});

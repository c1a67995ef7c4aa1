/** Queue-depth and dead-letter gauges from the outbox counts. */
import type { DeliveryStore } from '@docket/store';
import type { DispatcherMetrics } from './metrics.ts';

/**
 * Reads the outbox counts once and sets, per target, the waiting (pending + in flight) and
 * dead-lettered gauges. `targets` are reported even at zero, so a drained queue reads 0.
 */
export async function reportQueueDepth(store: DeliveryStore, metrics: Pick<DispatcherMetrics, 'queueDepth' | 'deadLetters'>, targets: Iterable<string> = []): Promise<void> {
  const waiting = new Map<string, number>();
  const dead = new Map<string, number>();
  for (const t of targets) { waiting.set(t, 0); dead.set(t, 0); }
  // Sent rows can be millions; only the small states are counted.
  for (const c of await store.counts(['pending', 'inflight', 'dead'])) {
    if (c.state === 'pending' || c.state === 'inflight') waiting.set(c.target, (waiting.get(c.target) ?? 0) + c.count);
    else dead.set(c.target, c.count);
    if (!dead.has(c.target)) dead.set(c.target, 0);
    if (!waiting.has(c.target)) waiting.set(c.target, 0);
  }
  for (const [t, n] of waiting) metrics.queueDepth(t, n);
  for (const [t, n] of dead) metrics.deadLetters(t, n);
}

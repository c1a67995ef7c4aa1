/**
 * Lease-based leader election (client-node has none): candidates poll the Lease every
 * retryPeriod, take it when it is free or expired, and the leader renews it with a
 * resourceVersion precondition. A leader that cannot renew within renewDeadline steps down
 * (onStoppedLeading) before its lease can expire for the others, so two leaders never overlap as
 * long as renewDeadline < leaseDuration. On stop the leader releases the lease so a successor need
 * not wait. Unlike the Go publisher, losing the lease returns the replica to candidacy instead of
 * exiting the process; the composition root may still choose to exit in onStoppedLeading.
 */
import { AlreadyExistsError, ConflictError } from '@docket/model';
import { sleep } from './backoff.ts';
import { toKubeError } from './errors.ts';
import type { LeaseClient } from './lease-client.ts';
import { decide, initialSpec, observe, releasedSpec, type Observation } from './lease-logic.ts';

export interface LeaderElectorOptions {
  client: LeaseClient;
  namespace: string;
  name: string;
  /** Unique per replica, e.g. `<pod name>_<random>`. */
  identity: string;
  /** How long a lease lasts without renewal (kube default 15 s). Travels in whole seconds. */
  leaseDurationMs: number;
  /** A leader that has not renewed for this long steps down (default 10 s); must be < leaseDurationMs. */
  renewDeadlineMs: number;
  /** Poll/renew interval (default 2 s). */
  retryPeriodMs: number;
  /** Became leader; `signal` aborts when leadership ends. */
  onStartedLeading(signal: AbortSignal): void;
  onStoppedLeading(): void;
  /** Another identity was seen holding the lease (changes only). */
  onNewLeader?(identity: string): void;
  /** A Lease request failed (logged by the caller; the elector keeps going). */
  onError?(error: Error): void;
  /** Epoch milliseconds; default Date.now. */
  clock?: () => number;
  /** Release the lease on stop (default true). */
  releaseOnStop?: boolean;
  random?: () => number;
}

export interface LeaderElector {
  /** Starts campaigning; idempotent. */
  start(): void;
  /** Stops; a leader releases the lease (unless releaseOnStop is false) and gets onStoppedLeading. */
  stop(): Promise<void>;
  isLeader(): boolean;
}

type Attempt = 'ok' | 'other' | 'failed';

export function createLeaderElector(opts: LeaderElectorOptions): LeaderElector {
  if (opts.renewDeadlineMs >= opts.leaseDurationMs) throw new Error('renewDeadlineMs must be shorter than leaseDurationMs');
  if (opts.retryPeriodMs >= opts.renewDeadlineMs) throw new Error('retryPeriodMs must be shorter than renewDeadlineMs');
  const clock = opts.clock ?? Date.now;
  const random = opts.random ?? Math.random;
  const stopping = new AbortController();
  let observation: Observation | undefined;
  let lastLeader: string | undefined;
  let leadership: AbortController | undefined;
  let running: Promise<void> | undefined;

  async function tryAcquireOrRenew(): Promise<Attempt> {
    const { client, namespace, name, identity } = opts;
    try {
      const lease = await client.get(namespace, name);
      const now = clock();
      if (!lease) {
        await client.create(namespace, name, initialSpec(identity, now, opts.leaseDurationMs));
        return 'ok';
      }
      observation = observe(observation, lease, now);
      const d = decide(lease, observation, identity, now, opts.leaseDurationMs);
      if (d.action === 'wait') {
        if (d.holder !== lastLeader) {
          lastLeader = d.holder;
          opts.onNewLeader?.(d.holder);
        }
        return 'other';
      }
      await client.replace(namespace, name, { ...d.spec, resourceVersion: lease.resourceVersion });
      return 'ok';
    } catch (e) {
      const err = toKubeError(e);
      // Losing a race to another candidate is normal; anything else is worth a log line.
      if (!(err instanceof ConflictError || err instanceof AlreadyExistsError)) opts.onError?.(err);
      return 'failed';
    }
  }

  /** One attempt, given up (as failed) if it outlives `limitMs`. */
  async function attemptWithin(limitMs: number): Promise<Attempt> {
    const timeout = new AbortController();
    const result = await Promise.race([
      tryAcquireOrRenew(),
      sleep(Math.max(1, limitMs), timeout.signal).then(() => 'failed' as const),
    ]);
    timeout.abort();
    return result;
  }

  async function lead(): Promise<void> {
    leadership = new AbortController();
    lastLeader = opts.identity;
    opts.onStartedLeading(leadership.signal);
    let lastRenew = clock();
    while (!stopping.signal.aborted) {
      await sleep(opts.retryPeriodMs, stopping.signal);
      if (stopping.signal.aborted) break;
      const r = await attemptWithin(opts.renewDeadlineMs - (clock() - lastRenew));
      if (r === 'ok') lastRenew = clock();
      else if (r === 'other' || clock() - lastRenew >= opts.renewDeadlineMs) break;
    }
    if (stopping.signal.aborted && opts.releaseOnStop !== false) await release();
    leadership.abort();
    leadership = undefined;
    opts.onStoppedLeading();
  }

  async function release(): Promise<void> {
    try {
      const lease = await opts.client.get(opts.namespace, opts.name);
      if (lease?.holderIdentity !== opts.identity) return;
      await opts.client.replace(opts.namespace, opts.name, { ...releasedSpec(lease, clock()), resourceVersion: lease.resourceVersion });
    } catch (e) {
      opts.onError?.(toKubeError(e)); // the lease then simply expires
    }
  }

  async function campaign(): Promise<void> {
    while (!stopping.signal.aborted) {
      if ((await attemptWithin(opts.retryPeriodMs * 5)) === 'ok') {
        if (stopping.signal.aborted) {
          if (opts.releaseOnStop !== false) await release(); // won it while being stopped
          break;
        }
        await lead();
        continue;
      }
      // Jitter spreads candidates so they do not all hit the Lease in the same instant.
      await sleep(opts.retryPeriodMs * (1 + random() * 0.2), stopping.signal);
    }
  }

  return {
    start: () => {
      running ??= campaign();
    },
    stop: async () => {
      stopping.abort();
      await running;
    },
    isLeader: () => leadership !== undefined,
  };
}

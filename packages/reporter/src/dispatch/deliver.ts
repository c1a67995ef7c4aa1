/**
 * Sends one claimed batch and records the outcome in the outbox. The row is marked sent right
 * after the target accepted it. A (target, key) can reach a receiver twice only when we cannot
 * know it arrived:
 *  - a crash (or the database lost for longer than the mark retries) between the remote 2xx and
 *    the mark: the lease expires and the row is sent again (the documented crash window);
 *  - a send that hit our deadline although the remote went on to accept it: it is retried;
 *  - replicas whose clocks differ by more than the lease margin (lease − send deadline, 30 s by
 *    default) may take over a lease early.
 * Targets get the delivery's result id in every notification (`resultId`), which the idempotent
 * ones (Elasticsearch PUT by id, Alertmanager fingerprints) use to absorb such a repeat.
 */
import type { Delivery, DeliveryClaim, DeliveryStore } from '@docket/store';
import { SendError, type Notification, type Target } from '@docket/targets';
import type { PipelineLogger } from '../pipeline/types.ts';
import type { DispatcherMetrics } from './metrics.ts';
import { classifyFailure, lastErrorText, retryDelayMs, type BackoffOptions, type FailureInfo } from './retry-policy.ts';

/** The reporter's structured logger (pino satisfies it). */
export type DispatchLogger = PipelineLogger;

export interface DeliverDeps {
  store: DeliveryStore;
  /** Delivery target name (the outbox `target` column). */
  name: string;
  target: Target;
  maxAttempts: number;
  sendTimeoutMs: number;
  backoff: BackoffOptions;
  metrics: DispatcherMetrics;
  logger: DispatchLogger;
  now: () => number;
  random: () => number;
  /** False once this replica may no longer send (lost leadership). */
  fence: () => boolean;
  toNotification: (d: Delivery) => Notification;
}

/** How a store write is retried when the database blips: a lost mark costs a duplicate send. */
const MARK_RETRIES = 5;

async function persist(deps: DeliverDeps, what: string, fn: () => Promise<number>): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await fn();
      return;
    } catch (err) {
      if (i + 1 >= MARK_RETRIES) {
        deps.logger.error({ target: deps.name, err: String(err) }, `could not ${what}; the lease will expire and the rows will be tried again`);
        return;
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** i));
    }
  }
}

/** Runs `send` under a deadline: the signal aborts it, and a target ignoring the signal is not waited for. */
async function sendWithDeadline(name: string, target: Target, batch: readonly Notification[], ms: number): Promise<void> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new SendError(`${name}: send timed out after ${ms} ms`, { retryable: true });
      ac.abort(err);
      reject(err);
    }, ms);
  });
  const sending = target.send(batch, { signal: ac.signal });
  sending.catch(() => undefined); // settled later than the deadline: already reported
  try {
    await Promise.race([sending, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Delivers one claim: send, then mark sent / retry / dead. Never throws. Resolves true when every
 * row is done with (sent or dead-lettered), false when some were handed back or wait for a retry.
 * With `markLater`, a successful send's mark is handed to it instead of awaited, so the caller can
 * start the next send while the outbox records this one (it must await them before it returns).
 */
export async function deliverClaim(deps: DeliverDeps, claim: DeliveryClaim, markLater?: (marking: Promise<void>) => void): Promise<boolean> {
  const { store, name, target } = deps;
  const ids = claim.items.map((d) => d.id);
  // Sending only while the lease surely outlives the send keeps a takeover from ever overlapping it.
  if (!deps.fence() || deps.now() + deps.sendTimeoutMs > claim.leaseUntil) {
    await releaseRows(deps, claim, claim.items);
    return false;
  }
  const good: Delivery[] = [];
  const bad: Delivery[] = [];
  const batch: Notification[] = [];
  for (const d of claim.items) {
    try {
      batch.push(deps.toNotification(d));
      good.push(d);
    } catch {
      bad.push(d);
    }
  }
  if (bad.length) {
    await persist(deps, 'dead-letter unreadable rows', () => store.markDead(claim.token, bad.map((d) => d.id), 'payload is not a notification'));
    deps.metrics.deadLettered(name, bad.length); // no send attempt was made for them
  }
  if (!good.length) return true;

  const started = performance.now();
  let failure: FailureInfo | undefined;
  try {
    await sendWithDeadline(name, target, batch, deps.sendTimeoutMs);
  } catch (err) {
    failure = classifyFailure(err);
  }
  const seconds = (performance.now() - started) / 1000;
  if (!failure) {
    const marking = persist(deps, 'mark rows sent', () => store.markSent(claim.token, good.map((d) => d.id)));
    deps.metrics.sent(name, target.type, 'success', seconds, good.length);
    if (markLater) markLater(marking);
    else await marking;
    return true;
  }
  return recordFailure(deps, claim, good, failure, seconds);
}

/** Hands rows back unsent (their lease ends now; attempts unchanged). */
export async function releaseRows(deps: DeliverDeps, claim: DeliveryClaim, rows: readonly Delivery[]): Promise<void> {
  if (rows.length) await persist(deps, 'release claimed rows', () => deps.store.release(claim.token, rows.map((d) => d.id)));
}

/** Records a failed send; true when nothing waits for a retry (all accepted or dead-lettered). */
async function recordFailure(deps: DeliverDeps, claim: DeliveryClaim, rows: Delivery[], failure: FailureInfo, seconds: number): Promise<boolean> {
  const { store, name, target } = deps;
  let failed = rows;
  if (failure.failedResultIds) {
    const f = failure.failedResultIds;
    const accepted = rows.filter((d) => !f.has(deps.toNotification(d).resultId));
    failed = rows.filter((d) => f.has(deps.toNotification(d).resultId));
    if (accepted.length) {
      await persist(deps, 'mark rows sent', () => store.markSent(claim.token, accepted.map((d) => d.id)));
      deps.metrics.sent(name, target.type, 'success', seconds, accepted.length);
    }
    if (!failed.length) return true;
  }
  const error = lastErrorText(failure.message);
  const dead = failed.filter((d) => !failure.retryable || d.attempts >= deps.maxAttempts);
  const again = failed.filter((d) => failure.retryable && d.attempts < deps.maxAttempts);
  if (dead.length) {
    await persist(deps, 'dead-letter rows', () => store.markDead(claim.token, dead.map((d) => d.id), error));
    deps.metrics.sent(name, target.type, failure.retryable ? 'dead' : 'failed', seconds, dead.length);
    deps.metrics.deadLettered(name, dead.length);
    deps.logger.warn({ target: name, count: dead.length, attempts: Math.max(...dead.map((d) => d.attempts)), error }, 'deliveries dead-lettered');
  }
  if (again.length) {
    const attempts = Math.max(...again.map((d) => d.attempts));
    const delay = retryDelayMs(attempts, failure, deps.backoff, deps.random);
    await persist(deps, 'schedule a retry', () => store.markRetry(claim.token, again.map((d) => d.id), error, deps.now() + delay));
    deps.metrics.sent(name, target.type, 'retry', seconds, again.length);
    deps.metrics.retried(name, again.length);
    deps.logger.debug({ target: name, count: again.length, attempts, delayMs: delay, error }, 'send failed; retrying');
  }
  return again.length === 0;
}

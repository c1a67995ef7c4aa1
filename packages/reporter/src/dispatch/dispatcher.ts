/**
 * The dispatcher: drains the outbox into the configured targets. Per target it runs `concurrency`
 * send slots; each slot claims at most one batch (≤ target.maxBatch rows, or ONE_BY_ONE_CLAIM rows
 * sent one per request for maxBatch 1) at a time, so memory is bounded by targets × concurrency ×
 * max(maxBatch, ONE_BY_ONE_CLAIM) whatever the backlog. With concurrency 1 claims are
 * ordered: a target receives its notifications in enqueue order, retries included (the head of the
 * queue blocks until it is sent or dead-lettered).
 *
 * Exactly-once, as far as it goes: rows are claimed under a lease longer than the send deadline and
 * marked with the claim's fencing token, so a replica that lost its lease cannot mark (or, checking
 * `fence` and the lease before each send, start) work another replica owns. See deliver.ts for the
 * one remaining window (crash between the remote 2xx and the mark).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Delivery, DeliveryClaim, DeliveryCount, DeliveryStore } from '@docket/store';
import type { Notification, Target } from '@docket/targets';
import { deliverClaim, releaseRows, type DeliverDeps, type DispatchLogger } from './deliver.ts';
import { createLane, type Lane } from './lane.ts';
import { noopDispatcherMetrics, type DispatcherMetrics } from './metrics.ts';
import { reportQueueDepth } from './queue-depth.ts';
import { silentLogger } from '../pipeline/types.ts';

export interface DispatcherDeps {
  store: DeliveryStore;
  /** Targets by delivery target name (the outbox `target` column, e.g. "Slack" or "Slack Channel 1"). */
  targets: ReadonlyMap<string, Target>;
  /** Sends in flight per target (a number for all, or per name); default 1. 1 keeps per-target order. */
  concurrency?: number | ((name: string) => number);
  /** Attempts before a delivery is dead-lettered; default 12. */
  maxAttempts?: number;
  /** Retry delay ceilings: first retry, largest; default 1 s and 5 min. Longest Retry-After honoured: default 1 h. */
  backoff?: { baseMs?: number; maxMs?: number; maxRetryAfterMs?: number };
  /** Deadline of one send (AbortSignal); default 30 s. */
  sendTimeoutMs?: number;
  /** Claim lease; must exceed the send deadline; default sendTimeoutMs + 30 s. */
  leaseMs?: number;
  /** Look for due rows at least this often without a wake(); default 1 s. */
  pollIntervalMs?: number;
  /** Queue-depth gauges refresh period; default 15 s (0 disables). */
  depthIntervalMs?: number;
  /** Sent rows are deleted this long after sending; default 7 days (0 keeps them). Keys pruned can be enqueued again. */
  retainSentMs?: number;
  /** Claimer identity in the outbox; default hostname/pid/random. */
  owner?: string;
  /** Checked before every claim and send: false once this replica lost leadership. Default always true. */
  fence?: () => boolean;
  metrics?: DispatcherMetrics;
  logger?: DispatchLogger;
  /** Outbox payload → notification; default: the payload as stored (must be an object with a string resultId). */
  toNotification?: (d: Delivery) => Notification;
  now?: () => number;
  random?: () => number;
}

export interface Dispatcher {
  /** Starts the send slots (idempotent). */
  start(): void;
  /** Looks for due rows now (after an enqueue), for one target or all. */
  wake(target?: string): void;
  /** Stops claiming, waits for in-flight sends and records their outcome. Idempotent. */
  stop(): Promise<void>;
  /** Outbox counts per (target, state). */
  queueDepth(): Promise<DeliveryCount[]>;
}

/** Rows per claim for targets that take one notification per request (maxBatch 1). */
export const ONE_BY_ONE_CLAIM = 16;

/** The default payload reader: the pipeline stores Notification objects as they are. */
export function payloadAsNotification(d: Delivery): Notification {
  const p = d.payload as Partial<Notification> | null;
  if (typeof p !== 'object' || p === null || typeof p.resultId !== 'string' || typeof p.result !== 'object') {
    throw new TypeError(`delivery ${d.id} of ${d.target}: payload is not a notification`);
  }
  return p as Notification;
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const sendTimeoutMs = deps.sendTimeoutMs ?? 30_000;
  const leaseMs = deps.leaseMs ?? sendTimeoutMs + 30_000;
  if (leaseMs <= sendTimeoutMs) throw new Error(`dispatcher leaseMs (${leaseMs}) must exceed sendTimeoutMs (${sendTimeoutMs})`);
  const pollMs = deps.pollIntervalMs ?? 1000;
  const owner = deps.owner ?? `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`;
  const logger = deps.logger ?? silentLogger;
  const metrics = deps.metrics ?? noopDispatcherMetrics;
  const now = deps.now ?? Date.now;
  const fence = deps.fence ?? (() => true);
  const concurrencyOf = (name: string): number => {
    const c = typeof deps.concurrency === 'function' ? deps.concurrency(name) : deps.concurrency ?? 1;
    if (!Number.isSafeInteger(c) || c < 1) throw new Error(`dispatcher concurrency for ${name}: must be a positive integer, got ${c}`);
    return c;
  };
  const base: Omit<DeliverDeps, 'name' | 'target'> = {
    store: deps.store, maxAttempts: deps.maxAttempts ?? 12, sendTimeoutMs,
    backoff: { baseMs: deps.backoff?.baseMs ?? 1000, maxMs: deps.backoff?.maxMs ?? 300_000, maxRetryAfterMs: deps.backoff?.maxRetryAfterMs ?? 3_600_000 },
    metrics, logger, now, random: deps.random ?? Math.random, fence, toNotification: deps.toNotification ?? payloadAsNotification,
  };
  const lanes = new Map<string, Lane>();
  const running: Promise<void>[] = [];
  let stopping = false;
  let started = false;
  let chores: NodeJS.Timeout | undefined;

  /**
   * A target that takes one notification per request gets several rows per claim, sent one by one
   * in order: one outbox round trip then serves many sends, and each mark overlaps the next send.
   * At the first row that is not done with (a retry, a lease or fence hand-back) or on stop, the
   * rest go back unsent, which keeps the order of an ordered lane and lets a failing target's
   * backoff apply to all of them.
   */
  async function deliverOneByOne(d: DeliverDeps, claim: DeliveryClaim): Promise<void> {
    // The next row is sent while the outbox records the previous one; all marks land before return.
    const marks: Promise<void>[] = [];
    const markLater = (m: Promise<void>): void => { marks.push(m); };
    try {
      for (let i = 0; i < claim.items.length; i++) {
        if (stopping) return await releaseRows(d, claim, claim.items.slice(i));
        if (!await deliverClaim(d, { ...claim, items: [claim.items[i]!] }, markLater)) {
          return await releaseRows(d, claim, claim.items.slice(i + 1));
        }
      }
    } finally {
      await Promise.all(marks);
    }
  }

  async function slot(name: string, target: Target, lane: Lane, ordered: boolean): Promise<void> {
    const d: DeliverDeps = { ...base, name, target };
    const oneByOne = !(target.maxBatch > 1);
    const limit = oneByOne ? ONE_BY_ONE_CLAIM : Math.floor(target.maxBatch);
    while (!stopping) {
      if (!fence()) { await lane.sleep(pollMs); continue; }
      const seen = lane.seen();
      let claimed;
      try {
        claimed = await deps.store.claim({ target: name, owner, limit, leaseMs, ordered, now: now() });
      } catch (err) {
        logger.warn({ target: name, err: String(err) }, 'claiming deliveries failed');
        await lane.sleep(pollMs);
        continue;
      }
      if (claimed.items.length && stopping) {
        // stop() came while claiming: hand the rows back instead of starting a send.
        await deps.store.release(claimed.token, claimed.items.map((x) => x.id))
          .catch((err: unknown) => logger.warn({ target: name, err: String(err) }, 'releasing claimed rows failed; their lease will expire'));
        break;
      }
      if (claimed.items.length) {
        if (oneByOne) await deliverOneByOne(d, claimed);
        else await deliverClaim(d, claimed);
        continue;
      }
      const due = await deps.store.nextDueAt(name).catch((err: unknown) => { logger.warn({ target: name, err: String(err) }, 'reading the next due time failed'); return undefined; });
      // Sleep until the earliest row may be due (a backoff or a sibling's lease), at most one poll
      // interval; a wake() since the claim started skips the sleep, so no enqueue is missed.
      await lane.sleep(due === undefined ? pollMs : Math.min(pollMs, Math.max(20, due - now())), seen);
    }
  }

  async function housekeeping(): Promise<void> {
    const warn = (what: string) => (err: unknown) => logger.warn({ err: String(err) }, `${what} failed; tried again later`);
    if (deps.depthIntervalMs !== 0) await reportQueueDepth(deps.store, metrics, deps.targets.keys()).catch(warn('reading the outbox depth'));
    const keep = deps.retainSentMs ?? 7 * 24 * 3_600_000;
    if (keep > 0 && fence()) await deps.store.pruneSent(now() - keep).catch(warn('pruning sent deliveries'));
  }

  return {
    start() {
      if (started) return;
      started = true;
      for (const [name, target] of deps.targets) {
        const lane = createLane();
        lanes.set(name, lane);
        const n = concurrencyOf(name);
        for (let i = 0; i < n; i++) {
          running.push(slot(name, target, lane, n === 1).catch((err: unknown) => logger.error({ target: name, err: String(err) }, 'send slot crashed')));
        }
      }
      const every = deps.depthIntervalMs ?? 15_000;
      void housekeeping();
      if (every > 0) {
        chores = setInterval(() => void housekeeping(), every);
        chores.unref();
      }
    },
    wake(target) {
      if (target === undefined) for (const l of lanes.values()) l.wake();
      else lanes.get(target)?.wake();
    },
    async stop() {
      stopping = true;
      if (chores) clearInterval(chores);
      for (const l of lanes.values()) l.close();
      await Promise.all(running);
    },
    queueDepth: () => deps.store.counts(),
  };
}

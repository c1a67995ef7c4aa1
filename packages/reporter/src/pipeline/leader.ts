/**
 * Who sends. With replicas exactly one leader runs the pipeline and the dispatcher; the others
 * serve reads. Three ways, chosen by the composition root: a coordination.k8s.io Lease (a cluster
 * is configured), a PostgreSQL advisory lock (the store is PostgreSQL, no cluster), or the single
 * process (SQLite: one writer anyway). A new leader continues from the outbox and the cursors.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { KubeConfig } from '@kubernetes/client-node';
import { createLeaderElector, createLeaseClient, type LeaseClient } from '@docket/kube';
import { silentLogger, type PipelineLogger } from './types.ts';

export interface LeadershipCallbacks {
  /** Became leader; `signal` aborts when leadership ends. */
  onStartedLeading(signal: AbortSignal): void;
  onStoppedLeading(): void;
}

export interface Leadership {
  readonly kind: 'lease' | 'advisory-lock' | 'single';
  start(): void;
  /** Stops; a leader gets onStoppedLeading and releases its lease/lock. */
  stop(): Promise<void>;
  isLeader(): boolean;
}

export interface LeaseLeadershipOptions {
  kc?: KubeConfig;
  /** Instead of `kc` (tests). */
  client?: LeaseClient;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  logger?: PipelineLogger;
}

/** Lease-based leadership (kube defaults 15 s / 10 s / 2 s). */
export function createLeaseLeadership(opts: LeaseLeadershipOptions, cb: LeadershipCallbacks): Leadership {
  const client = opts.client ?? (opts.kc ? createLeaseClient(opts.kc) : undefined);
  if (!client) throw new Error('lease leadership needs a kubeconfig or a lease client');
  const logger = opts.logger ?? silentLogger;
  const elector = createLeaderElector({
    client, namespace: opts.namespace, name: opts.name, identity: opts.identity,
    leaseDurationMs: opts.leaseDurationMs ?? 15_000, renewDeadlineMs: opts.renewDeadlineMs ?? 10_000, retryPeriodMs: opts.retryPeriodMs ?? 2_000,
    onStartedLeading: (signal) => { logger.info({ identity: opts.identity }, 'became reporter leader (lease)'); cb.onStartedLeading(signal); },
    onStoppedLeading: () => { logger.info({ identity: opts.identity }, 'stopped leading (lease)'); cb.onStoppedLeading(); },
    onNewLeader: (identity) => logger.info({ leader: identity }, 'reporter leader is another replica'),
    onError: (err) => logger.warn({ err: err.message }, 'lease request failed'),
  });
  return { kind: 'lease', start: () => elector.start(), stop: () => elector.stop(), isLeader: () => elector.isLeader() };
}

export interface AdvisoryLockOptions {
  /** PostgreSQL URL (the store's). */
  url: string;
  /** Lock name; replicas sharing it elect one leader. Default `docket-reporter`. */
  name?: string;
  /** Poll interval for a follower and health check interval for the leader; default 2 s. */
  retryPeriodMs?: number;
  logger?: PipelineLogger;
}

/** Two int32 keys from a name, for pg_try_advisory_lock(int, int). */
export function advisoryKeys(name: string): [number, number] {
  const h = createHash('sha256').update(name).digest();
  return [h.readInt32BE(0), h.readInt32BE(4)];
}

/**
 * Leadership through a session-level PostgreSQL advisory lock held on one dedicated connection:
 * the lock dies with the session, so a crashed leader frees it as soon as PostgreSQL notices.
 * The leader checks its session every retry period and steps down when it is gone.
 */
export function createAdvisoryLockLeadership(opts: AdvisoryLockOptions, cb: LeadershipCallbacks): Leadership {
  const logger = opts.logger ?? silentLogger;
  const [k1, k2] = advisoryKeys(opts.name ?? 'docket-reporter');
  const period = opts.retryPeriodMs ?? 2000;
  const stopping = new AbortController();
  let leading: AbortController | undefined;
  let running: Promise<void> | undefined;
  let client: pg.Client | undefined;

  const dropClient = async () => {
    const c = client;
    client = undefined;
    if (c) await c.end().catch(() => {});
  };

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        if (!client) {
          const c = new pg.Client({ connectionString: opts.url, application_name: 'docket-reporter-leader' });
          c.on('error', () => {}); // a dropped session surfaces as a failed query below
          await c.connect();
          client = c;
        }
        if (!leading) {
          const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [k1, k2]);
          if (r.rows[0]?.ok) {
            leading = new AbortController();
            logger.info({}, 'became reporter leader (PostgreSQL advisory lock)');
            cb.onStartedLeading(leading.signal);
          }
        } else {
          await client.query('SELECT 1');
        }
      } catch (e) {
        logger.warn({ err: (e as Error).message }, 'advisory lock session failed');
        stepDown();
        await dropClient();
      }
      await sleep(period, stopping.signal);
    }
    if (leading && client) await client.query('SELECT pg_advisory_unlock($1, $2)', [k1, k2]).catch(() => {});
    stepDown();
    await dropClient();
  }

  function stepDown(): void {
    if (!leading) return;
    leading.abort();
    leading = undefined;
    logger.info({}, 'stopped leading (advisory lock)');
    cb.onStoppedLeading();
  }

  return {
    kind: 'advisory-lock',
    start: () => { running ??= loop(); },
    stop: async () => { stopping.abort(); await running; },
    isLeader: () => leading !== undefined,
  };
}

/** The only process leads from start to stop (SQLite). */
export function createSingleLeadership(cb: LeadershipCallbacks): Leadership {
  let leading: AbortController | undefined;
  return {
    kind: 'single',
    start: () => {
      if (leading) return;
      leading = new AbortController();
      cb.onStartedLeading(leading.signal);
    },
    stop: async () => {
      if (!leading) return;
      leading.abort();
      leading = undefined;
      cb.onStoppedLeading();
    },
    isLeader: () => leading !== undefined,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
    signal.addEventListener('abort', done, { once: true });
  });
}

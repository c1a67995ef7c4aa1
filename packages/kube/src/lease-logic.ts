/**
 * The pure half of leader election, after client-go's LeaderElector: whether a candidate may take
 * the lease now, and the spec it writes. Expiry is judged on the candidate's own clock from when it
 * last saw the lease record change (not from the holder's renewTime), so clock skew between
 * replicas cannot make a lease look expired early.
 */
import type { LeaseRecord, LeaseSpec } from './lease-client.ts';

/** What a candidate last saw of the lease and when (its own clock). */
export interface Observation {
  /** holderIdentity + renewTime: changes whenever the holder renews. */
  fingerprint: string;
  atMs: number;
}

export function fingerprintOf(lease: LeaseRecord): string {
  return `${lease.holderIdentity ?? ''}@${lease.renewTimeMs ?? ''}`;
}

/** Updates the observation for a freshly read lease. */
export function observe(prev: Observation | undefined, lease: LeaseRecord, nowMs: number): Observation {
  const fingerprint = fingerprintOf(lease);
  return prev && prev.fingerprint === fingerprint ? prev : { fingerprint, atMs: nowMs };
}

export type LeaseDecision =
  | { action: 'renew'; spec: LeaseSpec }
  | { action: 'acquire'; spec: LeaseSpec }
  | { action: 'wait'; holder: string; expiresInMs: number };

/**
 * Decides for `identity` given the current lease and our observation of it. An empty holder
 * (released) can be taken at once; another holder's lease only once it has not changed for its
 * leaseDurationSeconds (or `leaseDurationMs` when the record carries none). Durations travel in
 * whole seconds, as the Lease API has them.
 */
export function decide(lease: LeaseRecord, obs: Observation, identity: string, nowMs: number, leaseDurationMs: number): LeaseDecision {
  const durationSeconds = Math.max(1, Math.ceil(leaseDurationMs / 1000));
  const holder = lease.holderIdentity ?? '';
  if (holder === identity) {
    return { action: 'renew', spec: { ...specOf(lease), holderIdentity: identity, leaseDurationSeconds: durationSeconds, renewTimeMs: nowMs } };
  }
  if (holder !== '') {
    // The holder's own duration counts (it may be configured longer than ours).
    const heldFor = lease.leaseDurationSeconds !== undefined ? lease.leaseDurationSeconds * 1000 : leaseDurationMs;
    const expiresInMs = obs.atMs + heldFor - nowMs;
    if (expiresInMs > 0) return { action: 'wait', holder, expiresInMs };
  }
  return {
    action: 'acquire',
    spec: {
      holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTimeMs: nowMs, renewTimeMs: nowMs,
      leaseTransitions: (lease.leaseTransitions ?? 0) + 1,
    },
  };
}

/** A new lease for its first holder. */
export function initialSpec(identity: string, nowMs: number, leaseDurationMs: number): LeaseSpec {
  return { holderIdentity: identity, leaseDurationSeconds: Math.max(1, Math.ceil(leaseDurationMs / 1000)), acquireTimeMs: nowMs, renewTimeMs: nowMs, leaseTransitions: 0 };
}

/** What a holder writes when it steps down: no holder, so the next candidate need not wait. */
export function releasedSpec(lease: LeaseRecord, nowMs: number): LeaseSpec {
  return { ...specOf(lease), holderIdentity: '', leaseDurationSeconds: 1, renewTimeMs: nowMs };
}

function specOf(lease: LeaseRecord): LeaseSpec {
  const { resourceVersion: _rv, ...spec } = lease;
  return spec;
}

/**
 * coordination.k8s.io/v1 Lease access over client-node's CoordinationV1Api, reduced to what leader
 * election needs. Times are epoch milliseconds here and V1MicroTime on the wire (kube rejects a
 * plain Date's 3-digit fraction).
 */
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { NotFoundError } from '@docket/model';
import { toKubeError } from './errors.ts';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTimeMs?: number;
  renewTimeMs?: number;
  leaseTransitions?: number;
}

export interface LeaseRecord extends LeaseSpec {
  resourceVersion: string;
}

export interface LeaseClient {
  /** The lease, or undefined when it does not exist. */
  get(namespace: string, name: string): Promise<LeaseRecord | undefined>;
  /** AlreadyExistsError when someone created it first. */
  create(namespace: string, name: string, spec: LeaseSpec): Promise<LeaseRecord>;
  /** Replaces with `resourceVersion` as precondition; ConflictError when it changed meanwhile. */
  replace(namespace: string, name: string, lease: LeaseRecord): Promise<LeaseRecord>;
}

function toMs(t: unknown): number | undefined {
  if (t === undefined || t === null) return undefined;
  const ms = t instanceof Date ? t.getTime() : Date.parse(String(t));
  return Number.isNaN(ms) ? undefined : ms;
}

/** Wire lease → record. */
export function fromLease(lease: V1Lease): LeaseRecord {
  const s = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    ...(s.holderIdentity !== undefined ? { holderIdentity: s.holderIdentity } : {}),
    ...(s.leaseDurationSeconds !== undefined ? { leaseDurationSeconds: s.leaseDurationSeconds } : {}),
    ...(toMs(s.acquireTime) !== undefined ? { acquireTimeMs: toMs(s.acquireTime) } : {}),
    ...(toMs(s.renewTime) !== undefined ? { renewTimeMs: toMs(s.renewTime) } : {}),
    ...(s.leaseTransitions !== undefined ? { leaseTransitions: s.leaseTransitions } : {}),
  };
}

/** Record → wire lease. */
export function toLease(namespace: string, name: string, spec: LeaseSpec, resourceVersion?: string): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: {
      holderIdentity: spec.holderIdentity,
      leaseDurationSeconds: spec.leaseDurationSeconds,
      acquireTime: spec.acquireTimeMs !== undefined ? new V1MicroTime(spec.acquireTimeMs) : undefined,
      renewTime: spec.renewTimeMs !== undefined ? new V1MicroTime(spec.renewTimeMs) : undefined,
      leaseTransitions: spec.leaseTransitions,
    },
  };
}

export function createLeaseClient(kc: KubeConfig): LeaseClient {
  const api = kc.makeApiClient(CoordinationV1Api);
  return {
    get: async (namespace, name) => {
      try {
        return fromLease(await api.readNamespacedLease({ namespace, name }));
      } catch (e) {
        const err = toKubeError(e);
        if (err instanceof NotFoundError) return undefined;
        throw err;
      }
    },
    create: async (namespace, name, spec) => {
      try {
        return fromLease(await api.createNamespacedLease({ namespace, body: toLease(namespace, name, spec) }));
      } catch (e) {
        throw toKubeError(e);
      }
    },
    replace: async (namespace, name, lease) => {
      try {
        return fromLease(await api.replaceNamespacedLease({ namespace, name, body: toLease(namespace, name, lease, lease.resourceVersion) }));
      } catch (e) {
        throw toKubeError(e);
      }
    },
  };
}

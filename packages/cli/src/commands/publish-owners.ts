/**
 * Resolves the owner of a report: producers name the Pod or Node a report is about but do not
 * know its uid, which an ownerReference needs so the garbage collector deletes the report with
 * its subject. One GET per subject, cached (negative answers too, so a sink without pods — such
 * as Docket's own API server — costs one request per report, not per event).
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { ObjectReference, OwnerReference } from '@docket/model';
import type { ReportKey } from '@docket/producers';

export type OwnerLookup = OwnerReference | undefined;

export interface OwnerResolver {
  /** The owner when known now (sync), a promise when it must be looked up. Never rejects. */
  resolve(key: ReportKey): OwnerLookup | Promise<OwnerLookup>;
}

export interface OwnerResolverOptions {
  /** Reads a Pod (namespace + name) or Node (name); undefined when absent or unreadable. */
  read(scope: ObjectReference): Promise<{ uid: string } | undefined>;
  clock?: () => number;
  /** Found owners are trusted this long (a pod re-created under the same name gets a new uid). */
  positiveTtlMs?: number;
  negativeTtlMs?: number;
  maxEntries?: number;
}

/** A resolver that never looks anything up (in-process store sink, or ownerReferences off). */
export const noOwners: OwnerResolver = { resolve: () => undefined };

function ownerOf(scope: ObjectReference, uid: string): OwnerReference {
  return { apiVersion: scope.apiVersion || 'v1', kind: scope.kind!, name: scope.name!, uid };
}

export function createOwnerResolver(opts: OwnerResolverOptions): OwnerResolver {
  const clock = opts.clock ?? Date.now;
  const positive = opts.positiveTtlMs ?? 10 * 60_000;
  const negative = opts.negativeTtlMs ?? 60_000;
  const max = opts.maxEntries ?? 20_000;
  const cache = new Map<string, { owner: OwnerLookup; until: number }>();
  const inflight = new Map<string, Promise<OwnerLookup>>();
  return {
    resolve(key) {
      const s = key.scope;
      if (!s?.kind || !s.name) return undefined;
      // trivy-operator objects carry their owner's uid already.
      if (s.uid) return s.kind && s.apiVersion ? ownerOf(s, s.uid) : undefined;
      if (s.kind !== 'Pod' && s.kind !== 'Node') return undefined;
      const id = `${s.kind}/${s.namespace ?? ''}/${s.name}`;
      const hit = cache.get(id);
      if (hit && hit.until > clock()) return hit.owner;
      const running = inflight.get(id);
      if (running) return running;
      const p = opts.read(s).then((found) => found?.uid ? ownerOf(s, found.uid) : undefined, () => undefined).then((owner) => {
        inflight.delete(id);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(id, { owner, until: clock() + (owner ? positive : negative) });
        return owner;
      });
      inflight.set(id, p);
      return p;
    },
  };
}

/** Reads Pods and Nodes through client-node (kube-apiserver; Docket answers 404). */
export function kubeOwnerReader(kc: KubeConfig): OwnerResolverOptions['read'] {
  const api = kc.makeApiClient(CoreV1Api);
  return async (scope) => {
    const obj = scope.kind === 'Pod'
      ? await api.readNamespacedPod({ namespace: scope.namespace!, name: scope.name! })
      : await api.readNode({ name: scope.name! });
    const uid = obj.metadata?.uid;
    return uid ? { uid } : undefined;
  };
}

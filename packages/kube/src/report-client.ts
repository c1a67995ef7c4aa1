/**
 * Report CRUD over client-node's CustomObjectsApi (node-fetch underneath). Every method throws
 * Docket's typed errors (see errors.ts), so the writer and the watch do not know about HTTP.
 * The interface is the seam: an in-process sink over the store can implement it too.
 */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { ReportObject } from '@docket/model';
import { toKubeError } from './errors.ts';

/** A collection of reports: `/apis/{group}/{version}[/namespaces/{ns}]/{plural}`. */
export interface CollectionRef {
  group: string;
  version: string;
  plural: string;
  /** Absent: cluster-scoped resources, or every namespace of a namespaced one. */
  namespace?: string;
}

/** One report object. */
export interface ObjectRef extends CollectionRef {
  name: string;
}

export interface ListPage {
  items: ReportObject[];
  /** The list's resourceVersion: a watch from here sees every later change. */
  resourceVersion: string;
  continue?: string;
}

export interface ListPageOptions {
  labelSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ReportClient {
  get(ref: ObjectRef): Promise<ReportObject>;
  /** Creates; AlreadyExistsError when the name is taken. */
  create(ref: ObjectRef, obj: ReportObject): Promise<ReportObject>;
  /** Replaces; `obj.metadata.resourceVersion` is the precondition (ConflictError when stale). */
  replace(ref: ObjectRef, obj: ReportObject): Promise<ReportObject>;
  list(ref: CollectionRef, opts?: ListPageOptions): Promise<ListPage>;
  /** Deletes; NotFoundError when absent. */
  delete(ref: ObjectRef): Promise<void>;
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toKubeError(e);
  }
}

export interface ReportClientOptions {
  /** Recorded in managedFields for every write; default `docket`. */
  fieldManager?: string;
}

/** A ReportClient for the cluster `kc` points at (kube-apiserver with CRDs, or Docket's API server). */
export function createReportClient(kc: KubeConfig, opts: ReportClientOptions = {}): ReportClient {
  const api = kc.makeApiClient(CustomObjectsApi);
  const fieldManager = opts.fieldManager ?? 'docket';
  const base = (r: CollectionRef) => ({ group: r.group, version: r.version, plural: r.plural });
  return {
    get: (ref) =>
      call(() => (ref.namespace
        ? api.getNamespacedCustomObject({ ...base(ref), namespace: ref.namespace, name: ref.name })
        : api.getClusterCustomObject({ ...base(ref), name: ref.name })) as Promise<ReportObject>),
    create: (ref, body) =>
      call(() => (ref.namespace
        ? api.createNamespacedCustomObject({ ...base(ref), namespace: ref.namespace, body, fieldManager })
        : api.createClusterCustomObject({ ...base(ref), body, fieldManager })) as Promise<ReportObject>),
    replace: (ref, body) =>
      call(() => (ref.namespace
        ? api.replaceNamespacedCustomObject({ ...base(ref), namespace: ref.namespace, name: ref.name, body, fieldManager })
        : api.replaceClusterCustomObject({ ...base(ref), name: ref.name, body, fieldManager })) as Promise<ReportObject>),
    delete: async (ref) => {
      await call(() => (ref.namespace
        ? api.deleteNamespacedCustomObject({ ...base(ref), namespace: ref.namespace, name: ref.name })
        : api.deleteClusterCustomObject({ ...base(ref), name: ref.name })));
    },
    list: async (ref, opts = {}) => {
      const q = { ...base(ref), labelSelector: opts.labelSelector, limit: opts.limit, _continue: opts.continue };
      const list = (await call(() => (ref.namespace
        ? api.listNamespacedCustomObject({ ...q, namespace: ref.namespace })
        : api.listClusterCustomObject(q)))) as { items?: ReportObject[]; metadata?: { resourceVersion?: string; continue?: string } };
      return {
        items: list.items ?? [],
        resourceVersion: list.metadata?.resourceVersion ?? '',
        ...(list.metadata?.continue ? { continue: list.metadata.continue } : {}),
      };
    },
  };
}

/** `/apis/group/version[/namespaces/ns]/plural` — the path a watch on `ref` uses. */
export function collectionPath(ref: CollectionRef): string {
  const ns = ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
  return `/apis/${ref.group}/${ref.version}${ns}/${ref.plural}`;
}

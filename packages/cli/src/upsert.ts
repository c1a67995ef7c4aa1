/**
 * Create-or-update of one object, the way `kubectl apply` behaves for a plain client: POST; when
 * the object exists, GET it, and PUT the new content with the resourceVersion just read (retrying
 * when someone else wrote in between). Unchanged content is not written again.
 */
import { findResourceByKind, RESOURCE_TYPES, splitApiVersion } from '@docket/model';
import { ApiError, type ApiClient } from './api-client.ts';

export type UpsertOutcome = 'created' | 'configured' | 'unchanged';

/** Where one object lives in the API. */
export interface ObjectTarget {
  collectionPath: string;
  itemPath: string;
  /** kubectl-style name, e.g. `policyreport.wgpolicyk8s.io/my-report`. */
  display: string;
  /** Whether the object has a fixed name (else it uses generateName and is always created). */
  named: boolean;
}

/** Metadata the server owns; sending it back on create or update only causes errors. */
const SERVER_FIELDS = ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink'];

/**
 * Works out the API path of an object from its apiVersion and kind. `namespace` (the
 * --namespace flag) applies to namespaced objects without one and must match those that have one.
 * Throws an Error with a user-facing message.
 */
export function toTarget(obj: Record<string, unknown>, namespace: string | undefined): ObjectTarget {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  if (!apiVersion || !kind) throw new Error('apiVersion and kind are required');
  const rt = findResourceByKind(apiVersion, kind);
  if (!rt) {
    const known = RESOURCE_TYPES.map((r) => `${r.group}/${r.versions.join('|')} ${r.kind}`).join(', ');
    throw new Error(`no resource for apiVersion "${apiVersion}" kind "${kind}"; served: ${known}`);
  }
  const meta = (typeof obj.metadata === 'object' && obj.metadata !== null ? obj.metadata : {}) as Record<string, unknown>;
  const name = typeof meta.name === 'string' ? meta.name : '';
  const named = name !== '';
  if (!named && typeof meta.generateName !== 'string') throw new Error('metadata.name (or metadata.generateName) is required');
  const [group, version] = splitApiVersion(apiVersion);
  let base = `/apis/${group}/${version}`;
  if (rt.namespaced) {
    const own = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
    if (own && namespace && own !== namespace) {
      throw new Error(`the namespace from the object "${own}" does not match --namespace "${namespace}"`);
    }
    base += `/namespaces/${encodeURIComponent(own ?? namespace ?? 'default')}`;
  }
  const collectionPath = `${base}/${rt.plural}`;
  return {
    collectionPath,
    itemPath: named ? `${collectionPath}/${encodeURIComponent(name)}` : collectionPath,
    display: `${rt.singular}.${group}/${named ? name : `${String(meta.generateName)}*`}`,
    named,
  };
}

/** Creates the object, or updates it when it exists. Throws ApiError with the server's message. */
export async function upsertObject(client: ApiClient, target: ObjectTarget, obj: Record<string, unknown>, maxAttempts = 5): Promise<UpsertOutcome> {
  const desired = withoutServerFields(obj);
  try {
    await client.request('POST', target.collectionPath, desired);
    return 'created';
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 409 && e.reason === 'AlreadyExists' && target.named)) throw e;
  }
  for (let attempt = 1; ; attempt++) {
    const current = (await client.request('GET', target.itemPath)).body as Record<string, unknown>;
    if (isUnchanged(desired, current)) return 'unchanged';
    const meta = { ...(desired.metadata as Record<string, unknown>), resourceVersion: (current.metadata as Record<string, unknown>).resourceVersion };
    try {
      await client.request('PUT', target.itemPath, { ...desired, metadata: meta });
      return 'configured';
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409 && e.reason === 'Conflict') || attempt >= maxAttempts) throw e;
    }
  }
}

function withoutServerFields(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = { ...((obj.metadata ?? {}) as Record<string, unknown>) };
  for (const f of SERVER_FIELDS) delete meta[f];
  const { status: _status, ...rest } = obj;
  return { ...rest, metadata: meta };
}

/**
 * True when writing `desired` would not change `current`: same content outside metadata (a
 * missing summary is ignored, the server computes it) and the same labels, annotations, owners
 * and finalizers.
 */
export function isUnchanged(desired: Record<string, unknown>, current: Record<string, unknown>): boolean {
  const skip = new Set(['apiVersion', 'kind', 'metadata', 'status']);
  if (desired.summary === undefined) skip.add('summary');
  const keys = new Set([...Object.keys(desired), ...Object.keys(current)].filter((k) => !skip.has(k)));
  for (const k of keys) if (!deepEqual(desired[k], current[k])) return false;
  const dm = (desired.metadata ?? {}) as Record<string, unknown>;
  const cm = (current.metadata ?? {}) as Record<string, unknown>;
  return ['labels', 'annotations', 'ownerReferences', 'finalizers'].every((k) => deepEqual(emptyToUndefined(dm[k]), emptyToUndefined(cm[k])));
}

function emptyToUndefined(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : v;
  if (typeof v === 'object' && Object.keys(v).length === 0) return undefined;
  return v;
}

/** Structural equality of JSON values, ignoring key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}

/**
 * A cluster (or a remote Docket API server: same API) whose reports are mirrored into the local
 * store under the source's cluster id: list+watch per report resource with `watchReports` (resume
 * on resourceVersion, relist on 410), create/update/delete mirrored in order, report-level filters
 * applied before anything is stored. The store's change feed then drives detection like for any
 * other report, so every source takes one path. Memory: `watchReports` keeps one resourceVersion
 * per live object, this file one key per object during a list.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { compileMatcher, type ValueFilterSpec } from '@docket/core';
import { decodeReport, findResource, NotFoundError, type ReportObject, type ResourceType } from '@docket/model';
import { watchReports, type ReportEvent, type WatchState } from '@docket/kube';
import type { ObjectKey, ReportStore } from '@docket/store';
import { noopPipelineMetrics, silentLogger, type PipelineLogger, type PipelineMetrics } from './types.ts';

/** One watched resource, e.g. `{ group: 'wgpolicyk8s.io', version: 'v1alpha2', plural: 'policyreports' }`. */
export interface SourceResource { group: string; version: string; plural: string }

/** What Policy Reporter watches: wgpolicyk8s.io/v1alpha2 and openreports.io/v1alpha1. */
export const DEFAULT_SOURCE_RESOURCES: readonly SourceResource[] = [
  { group: 'wgpolicyk8s.io', version: 'v1alpha2', plural: 'policyreports' },
  { group: 'wgpolicyk8s.io', version: 'v1alpha2', plural: 'clusterpolicyreports' },
  { group: 'openreports.io', version: 'v1alpha1', plural: 'reports' },
  { group: 'openreports.io', version: 'v1alpha1', plural: 'clusterreports' },
];

export interface ClusterSourceOptions {
  /** Source name (logs, metrics). */
  name: string;
  kc: KubeConfig;
  /** The store opened with this source's cluster id; every mirrored report lands here. */
  store: ReportStore;
  resources?: readonly SourceResource[];
  /** Report namespace include/exclude (wildcards); cluster-scoped reports always pass. */
  namespaces?: ValueFilterSpec;
  /** Report kinds include/exclude (`PolicyReport`, `ClusterReport`, …). */
  kinds?: ValueFilterSpec;
  /** Report source include/exclude (case-insensitive wildcards; the first result's source when the report has none). */
  sources?: ValueFilterSpec;
  /** Server-side label selector. */
  labelSelector?: string;
  metrics?: PipelineMetrics;
  logger?: PipelineLogger;
  signal: AbortSignal;
  /** Watch tuning passed to `watchReports` (tests make it small). */
  watchTimeoutSeconds?: number;
}

/** A report-level filter: true when the report is mirrored. Pure. */
export function compileReportFilter(opts: Pick<ClusterSourceOptions, 'namespaces' | 'kinds' | 'sources'>): (r: ReportObject) => boolean {
  const test = (spec: ValueFilterSpec | undefined, mode: 'glob' | 'glob-i') => {
    if (spec?.include?.length) { const m = compileMatcher(spec.include, mode); return (v: string) => m(v); }
    if (spec?.exclude?.length) { const m = compileMatcher(spec.exclude, mode); return (v: string) => !m(v); }
    return () => true;
  };
  const ns = test(opts.namespaces, 'glob');
  const kind = test(opts.kinds, 'glob');
  const source = test(opts.sources, 'glob-i');
  return (r) => {
    const namespace = r.metadata.namespace ?? '';
    if (namespace !== '' && !ns(namespace)) return false;
    if (!kind(r.kind)) return false;
    const src = r.source || r.results?.[0]?.source || '';
    return source(src);
  };
}

/** Runs every resource's watch until `signal` aborts. */
export async function runClusterSource(opts: ClusterSourceOptions): Promise<void> {
  const resources = opts.resources ?? DEFAULT_SOURCE_RESOURCES;
  await Promise.all(resources.map((r) => mirrorResource(opts, r)));
}

async function mirrorResource(opts: ClusterSourceOptions, res: SourceResource): Promise<void> {
  const type = findResource(res.group, res.version, res.plural);
  if (!type) throw new Error(`source ${opts.name}: unknown report resource ${res.plural}.${res.version}.${res.group}`);
  const logger = opts.logger ?? silentLogger;
  const metrics = opts.metrics ?? noopPipelineMetrics;
  const accept = compileReportFilter(opts);
  const label = `${opts.name}/${res.plural}.${res.group}`;
  let chain: Promise<void> = Promise.resolve();
  let listed: Set<string> | undefined;
  let everWatched = false;

  const onEvent = (ev: ReportEvent): void => {
    listed?.add(keyString(ev.object));
    chain = chain.then(() => mirror(opts.store, type, res.version, ev, accept)).catch((e: unknown) => {
      logger.warn({ source: label, err: (e as Error).message, name: ev.object.metadata?.name, namespace: ev.object.metadata?.namespace }, 'cannot mirror report');
    });
  };
  const onState = (state: WatchState, detail?: string): void => {
    if (state === 'listing') {
      listed = new Set();
      if (everWatched) metrics.watchRestart(label, detail?.includes('410') ? 'gone' : 'ended');
    } else if (state === 'backoff') {
      metrics.watchRestart(label, 'error');
      logger.warn({ source: label, detail }, 'source watch failed');
    } else if (state === 'watching' && listed) {
      // After a list: whatever the store holds for this resource that the list did not contain was
      // deleted while nobody watched (the first list of a process has no deletions to synthesise).
      const keep = listed;
      listed = undefined;
      everWatched = true;
      chain = chain.then(() => pruneMissing(opts.store, type, keep)).catch((e: unknown) => {
        logger.warn({ source: label, err: (e as Error).message }, 'cannot prune deleted reports');
      });
    }
  };
  await watchReports({
    kc: opts.kc, group: res.group, version: res.version, plural: res.plural,
    ...(opts.labelSelector ? { labelSelector: opts.labelSelector } : {}),
    ...(opts.watchTimeoutSeconds ? { watchTimeoutSeconds: opts.watchTimeoutSeconds } : {}),
    onEvent, onState, signal: opts.signal,
  });
  await chain;
}

function keyString(obj: { metadata?: { namespace?: string; name?: string } }): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

function storeKey(type: ResourceType, obj: { metadata?: { namespace?: string; name?: string } }): ObjectKey {
  return { group: type.group, resource: type.plural, namespace: type.namespaced ? obj.metadata?.namespace ?? '' : '', name: obj.metadata?.name ?? '' };
}

/** One event into the store (hub version); a filtered-out report is removed if it was stored. */
async function mirror(store: ReportStore, type: ResourceType, version: string, ev: ReportEvent, accept: (r: ReportObject) => boolean): Promise<void> {
  const key = storeKey(type, ev.object);
  if (ev.type === 'DELETED') return deleteIfPresent(store, key);
  const { object } = decodeReport(forMirror(ev.object, type, version), { resource: type, version }, { fieldValidation: 'Ignore' });
  if (!accept(object)) return deleteIfPresent(store, key);
  try {
    await store.update(key, object);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    await store.create(key, object);
  }
}

/** The upstream object without what the local store owns (uid, resourceVersion, generation, managedFields). */
function forMirror(obj: ReportObject, type: ResourceType, version: string): Record<string, unknown> {
  const { uid: _u, resourceVersion: _rv, generation: _g, managedFields: _m, creationTimestamp: _c, selfLink: _s, ...metadata } =
    obj.metadata as Record<string, unknown>;
  return { ...(obj as unknown as Record<string, unknown>), apiVersion: `${type.group}/${version}`, kind: type.kind, metadata };
}

async function deleteIfPresent(store: ReportStore, key: ObjectKey): Promise<void> {
  try {
    await store.delete(key);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
  }
}

async function pruneMissing(store: ReportStore, type: ResourceType, present: ReadonlySet<string>): Promise<void> {
  let token: string | undefined;
  const gone: ObjectKey[] = [];
  do {
    const page = await store.list({ group: type.group, resource: type.plural }, { projection: 'summary', limit: 500, ...(token ? { continue: token } : {}) });
    for (const item of page.items) if (!present.has(keyString(item))) gone.push(storeKey(type, item));
    token = page.continue;
  } while (token);
  for (const key of gone) await deleteIfPresent(store, key);
}

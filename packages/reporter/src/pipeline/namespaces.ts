/**
 * Namespace labels for `filter.namespaces.selector`, from the cluster's Namespace list, refreshed
 * in the background (Policy Reporter caches 15 s). Filters read the cache synchronously; a
 * namespace not yet known has no labels, so a selector does not match it until the next refresh.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { silentLogger, type PipelineLogger } from './types.ts';
import type { NamespaceLabels } from './detect.ts';

export interface NamespaceLabelCache {
  get: NamespaceLabels;
  /** Loads once now (await it before starting the feed), then every `refreshMs`. */
  start(signal: AbortSignal): Promise<void>;
}

export function createNamespaceLabelCache(kc: KubeConfig, opts: { refreshMs?: number; logger?: PipelineLogger } = {}): NamespaceLabelCache {
  const api = kc.makeApiClient(CoreV1Api);
  const logger = opts.logger ?? silentLogger;
  let labels = new Map<string, Readonly<Record<string, string>>>();
  const load = async () => {
    try {
      const list = await api.listNamespace();
      const next = new Map<string, Readonly<Record<string, string>>>();
      for (const ns of list.items) if (ns.metadata?.name) next.set(ns.metadata.name, ns.metadata.labels ?? {});
      labels = next;
    } catch (e) {
      logger.warn({ err: (e as Error).message }, 'cannot list namespaces for namespace selectors');
    }
  };
  return {
    get: (ns) => labels.get(ns),
    async start(signal) {
      await load();
      const timer = setInterval(() => void load(), opts.refreshMs ?? 15_000);
      timer.unref();
      signal.addEventListener('abort', () => clearInterval(timer), { once: true });
    },
  };
}

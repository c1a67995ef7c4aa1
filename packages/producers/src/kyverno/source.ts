import { CoreV1Api, EventsV1Api, Watch, type KubeConfig } from '@kubernetes/client-node';
import type { Producer, ProducerDeps, SourceHooks } from '../types.ts';
import { isSkip } from '../types.ts';
import { abortableSleep, backoffDelay } from '../shared/backoff.ts';
import { isRecord, rec, str } from '../shared/values.ts';
import { timestampFromMillis, compareTimestamps } from '../shared/time.ts';
import type { KyvernoConfig } from './config.ts';
import { toEventView, toKyvernoResult } from './map.ts';

/** Kyverno's events carry reason PolicyViolation; both Event APIs can select on it server-side. */
const FIELD_SELECTOR = 'reason=PolicyViolation';
/** Per-event occurrence counts remembered to turn an updated Event into only its new occurrences. */
const SEEN_CAPACITY = 20_000;

export function eventsPath(config: Pick<KyvernoConfig, 'api' | 'eventNamespace'>): string {
  const ns = config.eventNamespace ? `/namespaces/${encodeURIComponent(config.eventNamespace)}` : '';
  return config.api === 'v1' ? `/api/v1${ns}/events` : `/apis/events.k8s.io/v1${ns}/events`;
}

interface ListPage { items: unknown[]; metadata?: { resourceVersion?: string; _continue?: string; continue?: string } }

async function listPage(kc: KubeConfig, config: KyvernoConfig, cont?: string): Promise<ListPage> {
  const q = { fieldSelector: FIELD_SELECTOR, limit: 500, _continue: cont };
  if (config.api === 'v1') {
    const api = kc.makeApiClient(CoreV1Api);
    return (config.eventNamespace ? api.listNamespacedEvent({ ...q, namespace: config.eventNamespace }) : api.listEventForAllNamespaces(q)) as Promise<ListPage>;
  }
  const api = kc.makeApiClient(EventsV1Api);
  return (config.eventNamespace ? api.listNamespacedEvent({ ...q, namespace: config.eventNamespace }) : api.listEventForAllNamespaces(q)) as Promise<ListPage>;
}

type WatchEnd = { kind: 'ended' } | { kind: 'gone' } | { kind: 'error'; error: Error };

/**
 * Kyverno block events: list (paged, `reason=PolicyViolation`), then watch from the list's
 * resourceVersion; resume from the last resourceVersion when the connection ends, relist on 410
 * Gone, back off on errors. An Event updated by kube's aggregation (count 1 → 3) reports only
 * its new occurrences; events last seen before the start are skipped unless `includeExisting`.
 */
export function createKyvernoSource(config: KyvernoConfig, deps: ProducerDeps): Producer {
  return {
    type: 'kyverno',
    async run(hooks: SourceHooks, signal: AbortSignal): Promise<void> {
      const kc = deps.kube;
      if (!kc) throw new Error('the kyverno producer needs a Kubernetes API to watch Events (sink server/kubeconfig, not the in-process store)');
      const sleep = deps.sleep ?? abortableSleep;
      const random = deps.random ?? Math.random;
      const startedAt = timestampFromMillis(deps.now());
      let seen = new Map<string, number>();
      let seenBefore = new Map<string, number>();
      let rv: string | undefined;
      let failures = 0;

      const onEvent = (obj: unknown) => {
        if (!isRecord(obj)) return hooks.onSkip?.({ skip: 'malformed: event is not an object', malformed: true });
        const view = toEventView(obj);
        const id = view.uid || `${view.namespace}/${view.name}`;
        const before = seen.get(id) ?? seenBefore.get(id) ?? 0;
        if (view.count <= before) return hooks.onSkip?.({ skip: 'duplicate event (count unchanged)' });
        seen.set(id, view.count);
        if (seen.size >= SEEN_CAPACITY / 2) { seenBefore = seen; seen = new Map(); }
        if (!config.includeExisting && view.time && compareTimestamps(view.time, startedAt) < 0 && before === 0) {
          return hooks.onSkip?.({ skip: 'event from before the start' });
        }
        const out = toKyvernoResult(obj, config, view.count - before);
        if (isSkip(out)) hooks.onSkip?.(out);
        else hooks.onResult(out);
      };

      const list = async () => {
        hooks.onState?.('connecting');
        let cont: string | undefined;
        do {
          const page = await listPage(kc, config, cont);
          for (const item of page.items) onEvent(item);
          rv = page.metadata?.resourceVersion ?? rv;
          cont = page.metadata?._continue || page.metadata?.continue || undefined;
        } while (cont && !signal.aborted);
      };

      const watchOnce = (): Promise<WatchEnd> => new Promise((resolve) => {
        let settled = false;
        let controller: AbortController | undefined;
        const finish = (end: WatchEnd) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          controller?.abort();
          resolve(end);
        };
        const onAbort = () => finish({ kind: 'ended' });
        if (signal.aborted) return resolve({ kind: 'ended' });
        signal.addEventListener('abort', onAbort, { once: true });
        void new Watch(kc).watch(eventsPath(config), { fieldSelector: FIELD_SELECTOR, resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds: 300 },
          (type: string, obj: unknown) => {
            const meta = rec(rec(obj)?.metadata);
            if (type === 'ERROR') {
              const status = rec(obj);
              return finish(Number(status?.code) === 410 ? { kind: 'gone' } : { kind: 'error', error: new Error(str(status?.message) || 'watch error') });
            }
            if (meta?.resourceVersion) rv = str(meta.resourceVersion);
            failures = 0;
            hooks.onState?.('streaming');
            if (type === 'ADDED' || type === 'MODIFIED') onEvent(obj);
          },
          (err: unknown) => {
            const code = (err as { statusCode?: number } | null)?.statusCode;
            finish(code === 410 ? { kind: 'gone' } : err ? { kind: 'error', error: err as Error } : { kind: 'ended' });
          }).then((c) => { controller = c; if (settled) c.abort(); }, (e: Error) => finish({ kind: 'error', error: e }));
        hooks.onState?.('streaming');
      });

      while (!signal.aborted) {
        try {
          if (rv === undefined) await list();
          const end = await watchOnce();
          if (signal.aborted) break;
          if (end.kind === 'ended') continue;
          if (end.kind === 'gone') { rv = undefined; continue; }
          throw end.error;
        } catch (e) {
          if (signal.aborted) break;
          const delay = backoffDelay(config.backoff, failures++, random);
          deps.logger.warn({ producer: 'kyverno', delayMs: delay, err: (e as Error).message }, 'event watch failed, retrying');
          hooks.onState?.('backoff', (e as Error).message);
          await sleep(delay, signal);
        }
      }
      hooks.onState?.('stopped');
    },
  };
}

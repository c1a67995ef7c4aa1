/**
 * Follows every report of a store for observers that need the current state on every replica
 * (the result gauges on /metrics), independent of leadership: initial state, then live changes;
 * after the watch ends it resumes from the last resourceVersion, after 410 Gone it relists and
 * reports what disappeared meanwhile as deleted. Memory: one key per live report.
 */
import { GoneError, type ReportObject } from '@docket/model';
import type { CollectionRef, ReportStore } from '@docket/store';
import { silentLogger, type PipelineLogger } from './types.ts';

export interface ReportFeedOptions {
  store: ReportStore;
  resources: readonly CollectionRef[];
  onReport(type: 'ADDED' | 'MODIFIED' | 'DELETED', report: ReportObject): void;
  signal: AbortSignal;
  logger?: PipelineLogger;
  retryDelayMs?: number;
}

export async function runReportFeed(opts: ReportFeedOptions): Promise<void> {
  await Promise.all(opts.resources.map((ref) => follow(opts, ref)));
}

const keyOf = (r: ReportObject) => `${r.metadata.namespace ?? ''}/${r.metadata.name ?? ''}`;
/** What a deletion needs to name the report, kept small. */
const refOf = (r: ReportObject): ReportObject => ({
  apiVersion: r.apiVersion, kind: r.kind,
  metadata: { name: r.metadata.name, ...(r.metadata.namespace ? { namespace: r.metadata.namespace } : {}) },
} as ReportObject);

async function follow(opts: ReportFeedOptions, ref: CollectionRef): Promise<void> {
  const logger = opts.logger ?? silentLogger;
  const live = new Map<string, ReportObject>();
  let rv: string | undefined;
  while (!opts.signal.aborted) {
    try {
      if (rv === undefined) {
        // (Re)list: ADDED for everything present, DELETED for what vanished since the last list.
        const present = new Set<string>();
        let token: string | undefined;
        do {
          const page = await opts.store.list(ref, { limit: 500, ...(token ? { continue: token } : {}) });
          rv ??= page.resourceVersion;
          for (const r of page.items) {
            present.add(keyOf(r));
            live.set(keyOf(r), refOf(r));
            opts.onReport('ADDED', r);
          }
          token = page.continue;
        } while (token && !opts.signal.aborted);
        for (const [key, gone] of live) {
          if (present.has(key)) continue;
          live.delete(key);
          opts.onReport('DELETED', gone);
        }
      }
      const watch = await opts.store.watch(ref, { resourceVersion: rv, allowBookmarks: true });
      const stop = () => watch.stop();
      opts.signal.addEventListener('abort', stop, { once: true });
      try {
        for await (const ev of watch.events) {
          rv = ev.object.metadata.resourceVersion ?? rv;
          if (ev.type === 'BOOKMARK') continue;
          if (ev.type === 'DELETED') live.delete(keyOf(ev.object));
          else live.set(keyOf(ev.object), refOf(ev.object));
          opts.onReport(ev.type, ev.object);
        }
      } finally {
        opts.signal.removeEventListener('abort', stop);
        watch.stop();
      }
    } catch (e) {
      if (opts.signal.aborted) break;
      if (e instanceof GoneError) { rv = undefined; continue; }
      logger.warn({ resource: `${ref.resource}.${ref.group}`, err: (e as Error).message }, 'report feed for metrics failed; retrying');
      await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 1000));
    }
  }
}

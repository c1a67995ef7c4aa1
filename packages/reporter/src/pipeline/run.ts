/**
 * The reporter pipeline of one leader: a feed per store instance (one per cluster id), all sharing
 * the outbox and the compiled targets. Runs while leading; returns when the signal aborts.
 */
import type { DeliveryStore, ReportStore } from '@docket/store';
import { runFeed, type FeedOptions } from './feed.ts';
import { compileTargets, type CompiledTarget } from './targets.ts';
import type { NamespaceLabels } from './detect.ts';
import type { DetectionOptions, PipelineLogger, PipelineMetrics, PipelineTargetSpec } from './types.ts';

export interface PipelineOptions {
  /** Store instances to follow, named by cluster id (the local store first). */
  feeds: ReadonlyArray<{ name: string; store: ReportStore; resources?: FeedOptions['resources'] }>;
  outbox: Pick<DeliveryStore, 'enqueue' | 'readCursor'>;
  targets: readonly PipelineTargetSpec[];
  detection?: DetectionOptions;
  namespaceLabels?: NamespaceLabels;
  metrics?: PipelineMetrics;
  logger?: PipelineLogger;
  onReport?: FeedOptions['onReport'];
  reportFilter?: FeedOptions['reportFilter'];
  /** Rows entered the outbox: wake the dispatcher. */
  onEnqueued?(count: number): void;
  batchMaxItems?: number;
  batchDelayMs?: number;
}

export interface Pipeline {
  readonly targets: readonly CompiledTarget[];
  /** Runs every feed until `signal` aborts (then flushes what is pending). */
  run(signal: AbortSignal): Promise<void>;
}

/** Validates and compiles once; `run` may be called again after a leadership change. */
export function createPipeline(opts: PipelineOptions): Pipeline {
  const targets = compileTargets(opts.targets);
  return {
    targets,
    async run(signal) {
      if (targets.length === 0) {
        opts.logger?.info({}, 'no targets configured: new-result detection is idle');
        return;
      }
      await Promise.all(opts.feeds.map((f) => runFeed({
        name: f.name, store: f.store, outbox: opts.outbox, targets,
        ...(f.resources ? { resources: f.resources } : {}),
        ...(opts.detection ? { detection: opts.detection } : {}),
        ...(opts.namespaceLabels ? { namespaceLabels: opts.namespaceLabels } : {}),
        ...(opts.metrics ? { metrics: opts.metrics } : {}),
        ...(opts.logger ? { logger: opts.logger } : {}),
        ...(opts.onReport ? { onReport: opts.onReport } : {}),
        ...(opts.reportFilter ? { reportFilter: opts.reportFilter } : {}),
        ...(opts.onEnqueued ? { onEnqueued: opts.onEnqueued } : {}),
        ...(opts.batchMaxItems ? { batchMaxItems: opts.batchMaxItems } : {}),
        ...(opts.batchDelayMs !== undefined ? { batchDelayMs: opts.batchDelayMs } : {}),
      }, signal)));
    },
  };
}


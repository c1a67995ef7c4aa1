/**
 * The pipeline's own options and hooks, as plain data. The serve wiring maps the YAML config onto
 * them (see from-config.ts); nothing here knows the file format.
 */
import type { CustomIdFields, TargetFilterConfig } from '@docket/core';

/** One concrete target (a root or one of its channels, already expanded) as the pipeline sees it. */
export interface PipelineTargetSpec {
  /** Unique delivery target name, e.g. "Slack" or "Slack Channel 1"; the dispatcher routes on it. */
  name: string;
  /** Registry type (`slack`, `alertmanager`, …); only used in logs and metrics. */
  type?: string;
  /** Filter keys after channel inheritance (`resolveChannelFilter`). */
  filter?: TargetFilterConfig;
  /** Do not send results that existed before Docket first ran (default true, as in Policy Reporter). */
  skipExistingOnStartup?: boolean;
  /** The target acts on `fixed` notifications (Alertmanager resolves): enqueue them for it. */
  resolvesFixed?: boolean;
}

/** Counters the pipeline reports; the metrics part implements them, the default does nothing. */
export interface PipelineMetrics {
  /** Notifiable results looked at in changed reports (per source feed). */
  resultsSeen(feed: string, count: number): void;
  /** Results new for their report (before target filters). */
  newResults(feed: string, count: number): void;
  /** A result a target's filter skipped; `reason` is the filter's explanation (not a label: it is unbounded). */
  skipped(target: string, reason: string): void;
  /** A watch (store change feed or cluster source) restarted: relist after 410, error, reconnect. */
  watchRestart(source: string, reason: 'gone' | 'error' | 'ended'): void;
}

/** A {@link PipelineMetrics} that records nothing. */
export const noopPipelineMetrics: PipelineMetrics = Object.freeze({
  resultsSeen() {}, newResults() {}, skipped() {}, watchRestart() {},
});

/** Structured logger (pino satisfies it). */
export interface PipelineLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: PipelineLogger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });

/** Detection settings shared by every feed. */
export interface DetectionOptions {
  /** Statuses notified; default warn, fail, error. */
  statuses?: readonly string[];
  /** Custom id fields per result source (Policy Reporter `sourceConfig[].customId.fields`). */
  customIdFields?: CustomIdFields;
  /** A result gone and back within this window is not new; default 6 h. */
  flapWindowMs?: number;
  /** How long a deleted report's result ids are remembered; default 10 min. */
  deletedReportGraceMs?: number;
}

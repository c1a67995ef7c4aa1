export { loadKubeConfig, kubeConfigForServer, serverOf, type LoadKubeConfigOptions } from './kubeconfig.ts';
export { errorForStatus, toKubeError, isRetryable, KubeRequestError } from './errors.ts';
export { backoffDelay, sleep, type BackoffOptions } from './backoff.ts';
export {
  createReportClient, collectionPath, type ReportClientOptions,
  type ReportClient, type CollectionRef, type ObjectRef, type ListPage, type ListPageOptions,
} from './report-client.ts';
export { applyWatchEvent, reconcileList, objectKey, type ReportEvent, type ReportEventType } from './watch-state.ts';
export { watchReports, type WatchReportsOptions, type WatchState } from './watch-reports.ts';
export { timestampMs, msToTimestamp, lastSeenMs, toEventResult, combineResults, mergeResults, idOf, type MergeLimits, type MergeOutcome } from './result-merge.ts';
export { buildReport, reportTarget, writerKeyString, LAST_WRITE_ANNOTATION, type OutputGroup, type WriterReportKey, type BuildInput } from './report-build.ts';
export { createReportWriter, type ReportWriter, type ReportWriterOptions, type ReportWriterMetrics, type WriteOutcome } from './report-writer.ts';
export { createLeaseClient, fromLease, toLease, type LeaseClient, type LeaseRecord, type LeaseSpec } from './lease-client.ts';
export { decide, observe, fingerprintOf, initialSpec, releasedSpec, type LeaseDecision, type Observation } from './lease-logic.ts';
export { createLeaderElector, type LeaderElector, type LeaderElectorOptions } from './leader-elector.ts';

export { loadKubeConfig, kubeConfigForServer, serverOf, type LoadKubeConfigOptions } from './kubeconfig.ts';
export { errorForStatus, toKubeError, isRetryable, KubeRequestError } from './errors.ts';
export { backoffDelay, sleep, type BackoffOptions } from './backoff.ts';
export {
  createReportClient, collectionPath,
  type ReportClient, type CollectionRef, type ObjectRef, type ListPage, type ListPageOptions,
} from './report-client.ts';
export { applyWatchEvent, reconcileList, objectKey, type ReportEvent, type ReportEventType } from './watch-state.ts';
export { watchReports, type WatchReportsOptions, type WatchState } from './watch-reports.ts';

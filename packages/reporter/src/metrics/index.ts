// Barrel of the metrics part of the reporter: result gauges (Policy Reporter compatible) and operational metrics.
export {
  createReporterMetrics, metricsHandler,
  type ReporterMetrics, type ReporterMetricsHooks, type CreateReporterMetricsOptions, type SendOutcome,
  type WatchRestartReason, type MetricsReply,
} from './reporter-metrics.ts';
export { createReportGauges, type ReportGauges, type ReportGaugesOptions, type ReportRef } from './report-gauges.ts';
export { labelPlan, reportKey, isClusterReport, DETAILED_LABELS, SIMPLE_LABELS, type LabelPlan, type MetricsMode } from './report-labels.ts';
export { timeCalls } from './time-calls.ts';

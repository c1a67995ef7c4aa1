// Barrel of the pipeline part of the reporter: sources → new-result detection → filters → outbox.
export * from './types.ts';
export { compileTargets, expandTargetSpecs, type CompiledTarget, type TargetTreeSpec } from './targets.ts';
export { deliveriesFor, fixedFor, deliveryKey, toNotification, type DetectContext, type NamespaceLabels } from './detect.ts';
export { createBatcher, type Batcher } from './batcher.ts';
export { runFeed, cursorName, ALL_REPORT_RESOURCES, type FeedOptions } from './feed.ts';
export { createPipeline, type Pipeline, type PipelineOptions } from './run.ts';
export {
  runClusterSource, compileReportFilter, DEFAULT_SOURCE_RESOURCES, type ClusterSourceOptions, type SourceResource,
} from './cluster-source.ts';
export {
  createLeaseLeadership, createAdvisoryLockLeadership, createSingleLeadership, advisoryKeys,
  type Leadership, type LeadershipCallbacks, type LeaseLeadershipOptions, type AdvisoryLockOptions,
} from './leader.ts';
export { createNamespaceLabelCache, type NamespaceLabelCache } from './namespaces.ts';
export * from './from-config.ts';
export { startReporterService, type ReporterService, type ReporterServiceOptions, type DispatcherLike } from './service.ts';
export { runReportFeed, type ReportFeedOptions } from './report-feed.ts';

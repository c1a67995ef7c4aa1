/**
 * The one place that knows both the config file (../config) and the pipeline's own options: the
 * serve wiring calls these and hands the results to the pipeline, sources and leadership.
 */
import type { LoadKubeConfigOptions } from '@docket/kube';
import type { CollectionRef } from '@docket/store';
import type { ValueFilterSpec } from '@docket/core';
import type { DocketConfig, KubernetesSourceConfig } from '../config/index.ts';
import type { ReporterMetricsHooks } from '../metrics/index.ts';
import { DEFAULT_SOURCE_RESOURCES, type SourceResource } from './cluster-source.ts';
import { ALL_REPORT_RESOURCES } from './feed.ts';
import type { DetectionOptions, PipelineMetrics, PipelineTargetSpec } from './types.ts';

/** One cluster source as the pipeline runs it. */
export interface SourcePlan {
  name: string;
  /** Cluster id of the reports it mirrors (the store instance it writes to). */
  clusterId: string;
  connection: LoadKubeConfigOptions;
  resources: SourceResource[];
  namespaces?: ValueFilterSpec;
  sources?: ValueFilterSpec;
  labelSelector?: string;
}

export interface LeaderPlan {
  /** Lease election (leaderElection.enabled and a cluster to hold the Lease). */
  lease?: { namespace: string; name: string; identity: string; leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number; releaseOnStop: boolean };
  /** The Lease is held in this source's cluster. */
  leaseSource?: string;
}

export interface ReporterPlan {
  targets: PipelineTargetSpec[];
  detection: DetectionOptions;
  sources: SourcePlan[];
  /** Store collections the change feeds follow. */
  feedResources: CollectionRef[];
  /** `reportFilter.namespaces`: reports of other namespaces are not diffed (cluster reports pass). */
  reportNamespaces?: ValueFilterSpec;
  leader: LeaderPlan;
}

const KIND_RESOURCES: Record<string, SourceResource> = {
  PolicyReport: DEFAULT_SOURCE_RESOURCES[0]!,
  ClusterPolicyReport: DEFAULT_SOURCE_RESOURCES[1]!,
  Report: DEFAULT_SOURCE_RESOURCES[2]!,
  ClusterReport: DEFAULT_SOURCE_RESOURCES[3]!,
};
const CLUSTER_PLURALS = new Set(['clusterpolicyreports', 'clusterreports']);

/** Identity and namespace defaults for leader election (from POD_NAME/POD_NAMESPACE/hostname in main). */
export interface PlanEnv { podName?: string; podNamespace?: string; hostname: string }

/** Maps a loaded config onto the pipeline's options. Pure. */
export function planFromConfig(config: DocketConfig, env: PlanEnv): ReporterPlan {
  const targets: PipelineTargetSpec[] = config.targets.map((t) => ({
    name: t.name, type: t.type, filter: t.filter, skipExistingOnStartup: t.skipExistingOnStartup,
    ...(t.definition.resolvesFixed ? { resolvesFixed: true } : {}),
  }));
  const r = config.reporter;
  const detection: DetectionOptions = {
    statuses: r.statuses, flapWindowMs: r.flapWindow, deletedReportGraceMs: r.deletedReportGrace,
    ...(Object.keys(r.customIdFields).length > 0 ? { customIdFields: r.customIdFields } : {}),
  };
  const noCluster = config.reportFilter.disableClusterReports;
  const sources = config.sources.kubernetes.map((k) => sourcePlan(k, config));
  const feedResources = ALL_REPORT_RESOURCES.filter((ref) => !(noCluster && CLUSTER_PLURALS.has(ref.resource)));
  const le = config.leaderElection;
  const leader: LeaderPlan = {};
  if (le.enabled && sources.length > 0) {
    leader.leaseSource = sources[0]!.name;
    leader.lease = {
      namespace: le.namespace ?? env.podNamespace ?? 'default', name: le.lockName,
      identity: le.podName ?? env.podName ?? env.hostname,
      leaseDurationMs: le.leaseDuration, renewDeadlineMs: le.renewDeadline, retryPeriodMs: le.retryPeriod, releaseOnStop: le.releaseOnCancel,
    };
  }
  const reportNamespaces = config.reportFilter.namespaces;
  return { targets, detection, sources, feedResources, leader, ...(reportNamespaces ? { reportNamespaces } : {}) };
}

function sourcePlan(k: KubernetesSourceConfig, config: DocketConfig): SourcePlan {
  const name = k.name ?? 'default';
  const connection: LoadKubeConfigOptions = {
    ...(k.server ? { server: k.server } : {}), ...(k.inCluster ? { inCluster: true } : {}),
    ...(k.kubeconfig ? { kubeconfig: k.kubeconfig } : {}), ...(k.context ? { context: k.context } : {}),
  };
  const noCluster = k.disableClusterReports ?? config.reportFilter.disableClusterReports;
  const resources = (k.kinds ?? Object.keys(KIND_RESOURCES)).map((kind) => KIND_RESOURCES[kind]!)
    .filter((res) => !(noCluster && CLUSTER_PLURALS.has(res.plural)));
  const namespaces = k.namespaces ?? config.reportFilter.namespaces;
  return {
    name, clusterId: name, connection, resources,
    ...(namespaces ? { namespaces } : {}),
    ...(k.sources ? { sources: k.sources } : {}),
    ...(k.labelSelector ? { labelSelector: k.labelSelector } : {}),
  };
}

/** The pipeline's metric hook on top of the metrics part's hooks. */
export function pipelineMetricsFrom(hooks: ReporterMetricsHooks): PipelineMetrics {
  return {
    resultsSeen: (feed, n) => hooks.resultsSeen(n, feed),
    newResults: (feed, n) => hooks.newResults(n, feed),
    skipped: (target) => hooks.filtered(target, 1),
    watchRestart: (source, reason) => {
      const slash = source.indexOf('/');
      hooks.watchRestarted(slash < 0 ? source : source.slice(0, slash), slash < 0 ? 'store' : source.slice(slash + 1), reason);
    },
  };
}

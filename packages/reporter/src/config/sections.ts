import { z } from 'zod';
import { parseGoDuration } from '@docket/targets';

/**
 * A duration: a Go duration string (`"30s"`, `"1m30s"`, `"6h"`, as Policy Reporter writes them) or a
 * number of seconds (Policy Reporter's `leaderElection.leaseDuration: 15`). Parsed to milliseconds.
 */
export const durationSchema = z.union([z.string(), z.number().nonnegative()]).transform((v, ctx) => {
  if (typeof v === 'number') return Math.round(v * 1000);
  const ms = parseGoDuration(v.trim());
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `invalid duration "${v}": use e.g. "500ms", "30s", "5m", "6h" or a number of seconds` });
    return z.NEVER;
  }
  return ms;
});

/** include/exclude lists with `*`/`?` wildcards; include wins when both are set (Policy Reporter). */
export const includeExcludeSchema = z.strictObject({
  include: z.array(z.string().min(1)).optional(),
  exclude: z.array(z.string().min(1)).optional(),
});

export const REPORT_KINDS = ['PolicyReport', 'ClusterPolicyReport', 'Report', 'ClusterReport'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/**
 * One Kubernetes cluster whose report objects Docket watches (CRDs in etcd, or a remote Docket API
 * server). Connection precedence: `server`, `inCluster`, `kubeconfig` (+ `context`), else the
 * client's default lookup. Everything watched lands in the store; the store itself is always a source.
 */
export const kubernetesSourceSchema = z.strictObject({
  /** Cluster id stored with every report of this source; unique. Default `default`. */
  name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label (lower-case letters, digits, "-")').optional(),
  /** Path of a kubeconfig file (Policy Reporter: `k8sClient.kubeconfig`). */
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  /** Use the pod's service account. */
  inCluster: z.boolean().optional(),
  /** A plain API server URL without credentials, e.g. a remote Docket on loopback. */
  server: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL').optional(),
  /** Which report kinds to watch; default all four. */
  kinds: z.array(z.enum(REPORT_KINDS)).min(1).optional(),
  /** Report namespaces (wildcards); cluster reports are not affected. */
  namespaces: includeExcludeSchema.optional(),
  /** Report sources (case-insensitive wildcards); reports without a source fail an include list. */
  sources: includeExcludeSchema.optional(),
  /** Kubernetes label selector evaluated by the server, e.g. `app.kubernetes.io/managed-by=kyverno`. */
  labelSelector: z.string().min(1).optional(),
  /** Skip ClusterPolicyReport/ClusterReport (Policy Reporter: `reportFilter.disableClusterReports`). */
  disableClusterReports: z.boolean().optional(),
}).superRefine((s, ctx) => {
  const modes = [s.server && 'server', s.inCluster && 'inCluster', s.kubeconfig && 'kubeconfig'].filter(Boolean);
  if (modes.length > 1) ctx.addIssue({ code: 'custom', message: `set only one of server, inCluster, kubeconfig (got ${modes.join(', ')})` });
  if (s.context && (s.server || s.inCluster)) ctx.addIssue({ code: 'custom', path: ['context'], message: 'context only applies to a kubeconfig' });
});

export const sourcesSchema = z.strictObject({
  kubernetes: z.array(kubernetesSourceSchema).default([]),
}).superRefine((s, ctx) => {
  const seen = new Map<string, number>();
  s.kubernetes.forEach((k, i) => {
    const name = k.name ?? 'default';
    if (seen.has(name)) ctx.addIssue({ code: 'custom', path: ['kubernetes', i, 'name'], message: `duplicate cluster name "${name}" (also kubernetes[${seen.get(name)}]); set a unique name` });
    else seen.set(name, i);
  });
});

/**
 * Policy Reporter's `reportFilter`: applied to reports from every source before anything else. Its
 * code reads `clusterReports.disabled` while its docs say `disableClusterReports`; both are taken.
 */
export const reportFilterSchema = z.strictObject({
  namespaces: includeExcludeSchema.optional(),
  disableClusterReports: z.boolean().optional(),
  clusterReports: z.strictObject({ disabled: z.boolean().default(false) }).optional(),
}).transform(({ namespaces, disableClusterReports, clusterReports }) => ({
  ...(namespaces ? { namespaces } : {}),
  disableClusterReports: disableClusterReports ?? clusterReports?.disabled ?? false,
}));

const ID_FIELD = /^(policy|rule|result|category|message|severity|source|scored|resource|namespace|resource\.(uid|name|namespace|kind|apiVersion)|property:.+)$/;

/**
 * Result id fields as Policy Reporter names them (`resource` = uid + name, `namespace`), mapped to
 * the field names of core's `resultId`.
 */
export const idFieldsSchema = z.array(z.string().regex(ID_FIELD, 'unknown id field: use policy, rule, result, category, message, severity, source, resource, namespace, resource.<uid|name|namespace|kind|apiVersion> or property:<key>'))
  .min(1)
  .transform((fields) => fields.flatMap((f) => f === 'resource' ? ['resource.uid', 'resource.name'] : f === 'namespace' ? ['resource.namespace'] : [f]));

const STATUSES = ['pass', 'fail', 'warn', 'error', 'skip'] as const;

export const reporterSchema = z.strictObject({
  /** A result that disappears and returns within this window is not new again. Default 6h. */
  flapWindow: durationSchema.prefault('6h'),
  /** How long a deleted report's result ids are remembered. Default 10m. */
  deletedReportGrace: durationSchema.prefault('10m'),
  /** Result statuses that are notified. Default warn, fail, error (Policy Reporter v3). */
  statuses: z.array(z.enum(STATUSES)).min(1).default(['warn', 'fail', 'error']),
  /** Per result source: the fields that make up a result's id when it has no `resultID` property. */
  customIdFields: z.record(z.string().min(1), idFieldsSchema).default({}),
});

export const deliverySchema = z.strictObject({
  /** Sends in flight per target. Default 4. */
  concurrency: z.number().int().min(1).max(256).default(4),
  /** Attempts before a delivery is dead-lettered. Default 12. */
  maxAttempts: z.number().int().min(1).max(10_000).default(12),
  backoff: z.strictObject({
    /** First retry delay (doubled each attempt, with jitter). Default 1s. */
    base: durationSchema.prefault('1s'),
    /** Largest retry delay. Default 5m. */
    max: durationSchema.prefault('5m'),
  }).prefault({}),
  /** Deadline of one send (Policy Reporter: 30s). */
  sendTimeout: durationSchema.prefault('30s'),
  /** How often the dispatcher looks for due deliveries when not woken. Default 1s. */
  pollInterval: durationSchema.prefault('1s'),
}).superRefine((d, ctx) => {
  if (d.backoff.base > d.backoff.max) ctx.addIssue({ code: 'custom', path: ['backoff', 'base'], message: 'must not exceed backoff.max' });
  if (d.sendTimeout <= 0) ctx.addIssue({ code: 'custom', path: ['sendTimeout'], message: 'must be greater than 0' });
  if (d.pollInterval <= 0) ctx.addIssue({ code: 'custom', path: ['pollInterval'], message: 'must be greater than 0' });
});

/** Policy Reporter's `leaderElection` keys; durations in seconds or Go duration strings. */
export const leaderElectionSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Lease name (Policy Reporter: `lockName`, Helm `--lease-name`). Default `docket`. */
  lockName: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes object name').default('docket'),
  /** Lease namespace; default POD_NAMESPACE, else `default`. */
  namespace: z.string().min(1).optional(),
  /** This replica's identity; default POD_NAME, else the host name. */
  podName: z.string().min(1).optional(),
  leaseDuration: durationSchema.prefault(15),
  renewDeadline: durationSchema.prefault(10),
  retryPeriod: durationSchema.prefault(2),
  releaseOnCancel: z.boolean().default(true),
}).superRefine((l, ctx) => {
  if (l.renewDeadline >= l.leaseDuration) ctx.addIssue({ code: 'custom', path: ['renewDeadline'], message: 'must be shorter than leaseDuration' });
  if (l.retryPeriod <= 0 || l.retryPeriod >= l.renewDeadline) ctx.addIssue({ code: 'custom', path: ['retryPeriod'], message: 'must be greater than 0 and shorter than renewDeadline' });
});

/**
 * Policy Reporter's `sourceConfig` list, accepted so its custom ids carry over; each entry with
 * `customId.enabled` becomes `reporter.customIdFields[selector.source]`.
 */
export const sourceConfigSchema = z.array(z.strictObject({
  selector: z.strictObject({ source: z.string().min(1) }),
  customId: z.strictObject({ enabled: z.boolean().default(true), fields: idFieldsSchema }).optional(),
}));

export type KubernetesSourceConfig = z.output<typeof kubernetesSourceSchema>;
export type SourcesConfig = z.output<typeof sourcesSchema>;
export type ReportFilterConfig = z.output<typeof reportFilterSchema>;
export type ReporterConfig = z.output<typeof reporterSchema>;
export type DeliveryConfig = z.output<typeof deliverySchema>;
export type LeaderElectionConfig = z.output<typeof leaderElectionSchema>;

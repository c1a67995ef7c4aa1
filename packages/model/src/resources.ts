/**
 * The registry of every report resource Docket serves. Discovery, OpenAPI, routing, CRD
 * generation and the store all derive from this one table: adding a kind or version is a row here
 * (plus its schema in the model).
 */

export type ReportGroup = 'wgpolicyk8s.io' | 'reports.x-k8s.io' | 'openreports.io';

export interface ResourceType {
  group: ReportGroup;
  /** Served versions, preferred (storage) version first. */
  versions: readonly string[];
  /** The version objects of this resource are stored in (the group's hub). */
  storageVersion: string;
  kind: string;
  listKind: string;
  /** Plural resource name used in URLs, e.g. `policyreports`. */
  plural: string;
  singular: string;
  shortNames: readonly string[];
  namespaced: boolean;
}

const WG_VERSIONS = ['v1alpha2', 'v1beta1', 'v1alpha1'] as const;

/**
 * Every served resource. Within wgpolicyk8s.io the storage version is v1beta1 (the superset of
 * all three versions' fields), while v1alpha2 stays the preferred version in discovery because it
 * is what Kyverno and Policy Reporter read and write today.
 */
export const RESOURCE_TYPES: readonly ResourceType[] = Object.freeze([
  {
    group: 'wgpolicyk8s.io', versions: WG_VERSIONS, storageVersion: 'v1beta1',
    kind: 'PolicyReport', listKind: 'PolicyReportList', plural: 'policyreports', singular: 'policyreport',
    shortNames: ['polr'], namespaced: true,
  },
  {
    group: 'wgpolicyk8s.io', versions: WG_VERSIONS, storageVersion: 'v1beta1',
    kind: 'ClusterPolicyReport', listKind: 'ClusterPolicyReportList', plural: 'clusterpolicyreports',
    singular: 'clusterpolicyreport', shortNames: ['cpolr'], namespaced: false,
  },
  {
    group: 'reports.x-k8s.io', versions: ['v1beta2'], storageVersion: 'v1beta2',
    kind: 'PolicyReport', listKind: 'PolicyReportList', plural: 'policyreports', singular: 'policyreport',
    shortNames: [], namespaced: true,
  },
  {
    group: 'reports.x-k8s.io', versions: ['v1beta2'], storageVersion: 'v1beta2',
    kind: 'ClusterPolicyReport', listKind: 'ClusterPolicyReportList', plural: 'clusterpolicyreports',
    singular: 'clusterpolicyreport', shortNames: [], namespaced: false,
  },
  {
    group: 'openreports.io', versions: ['v1alpha1'], storageVersion: 'v1alpha1',
    kind: 'Report', listKind: 'ReportList', plural: 'reports', singular: 'report',
    shortNames: ['reps'], namespaced: true,
  },
  {
    group: 'openreports.io', versions: ['v1alpha1'], storageVersion: 'v1alpha1',
    kind: 'ClusterReport', listKind: 'ClusterReportList', plural: 'clusterreports', singular: 'clusterreport',
    shortNames: ['creps'], namespaced: false,
  },
]);

export const REPORT_GROUPS: readonly ReportGroup[] = ['wgpolicyk8s.io', 'reports.x-k8s.io', 'openreports.io'];

/** Finds the resource served at `/apis/{group}/{version}/.../{plural}`, or undefined. */
export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => r.group === group && r.plural === plural && r.versions.includes(version));
}

/** Finds a resource by apiVersion (`group/version`) and kind, as found in a document body. */
export function findResourceByKind(apiVersion: string, kind: string): ResourceType | undefined {
  const [group, version] = splitApiVersion(apiVersion);
  return RESOURCE_TYPES.find((r) => r.group === group && r.kind === kind && r.versions.includes(version));
}

export function resourcesOf(group: string, version: string): ResourceType[] {
  return RESOURCE_TYPES.filter((r) => r.group === group && r.versions.includes(version));
}

export function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

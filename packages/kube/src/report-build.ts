/**
 * Pure construction of the report object the writer sends: kind and resource from the output
 * group and the key's scope, our labels and owner references added to whatever the server
 * object already carries, results merged by the rules in result-merge.ts, summary recomputed.
 */
import type { ObjectReference, OwnerReference, ReportObject, ReportResult } from '@docket/model';
import { computeSummary } from '@docket/core';
import { mergeResults, type MergeOutcome } from './result-merge.ts';
import type { ObjectRef } from './report-client.ts';

export type OutputGroup = 'wgpolicyk8s.io/v1alpha2' | 'openreports.io/v1alpha1';

/** Which report a result goes to. No namespace: a cluster-scoped report. */
export interface WriterReportKey {
  namespace?: string;
  name: string;
  /** The resource the report is about (a Pod for runtime events); written as `scope`. */
  scope?: ObjectReference;
}

/** Annotation carrying the writer instance and write sequence, so a retried write is recognised. */
export const LAST_WRITE_ANNOTATION = 'docket.dev/last-write';

const KINDS: Record<OutputGroup, { namespaced: [string, string]; cluster: [string, string] }> = {
  'wgpolicyk8s.io/v1alpha2': { namespaced: ['PolicyReport', 'policyreports'], cluster: ['ClusterPolicyReport', 'clusterpolicyreports'] },
  'openreports.io/v1alpha1': { namespaced: ['Report', 'reports'], cluster: ['ClusterReport', 'clusterreports'] },
};

/** Kind and API reference of the report for `key` in `group`. */
export function reportTarget(group: OutputGroup, key: WriterReportKey): { kind: string; ref: ObjectRef } {
  const [g, version] = group.split('/') as [string, string];
  const [kind, plural] = key.namespace ? KINDS[group].namespaced : KINDS[group].cluster;
  return { kind, ref: { group: g, version, plural, name: key.name, ...(key.namespace ? { namespace: key.namespace } : {}) } };
}

/** `namespace/name` — the writer's map key. */
export function writerKeyString(key: WriterReportKey): string {
  return `${key.namespace ?? ''}/${key.name}`;
}

export interface BuildInput {
  group: OutputGroup;
  key: WriterReportKey;
  /** The server's current object, or undefined to create. */
  base: ReportObject | undefined;
  pending: Iterable<ReportResult>;
  owner?: OwnerReference;
  labels: Record<string, string>;
  /** Value of LAST_WRITE_ANNOTATION for this attempt. */
  writeMark: string;
  nowMs: number;
  ttlMs: number;
  maxResults: number;
}

export function buildReport(input: BuildInput): { report: ReportObject; merge: MergeOutcome } {
  const { kind, ref } = reportTarget(input.group, input.key);
  const base = input.base;
  const merge = mergeResults(base?.results ?? [], input.pending, {
    nowMs: input.nowMs, ttlMs: input.ttlMs, maxResults: input.maxResults, scope: input.key.scope,
  });
  const owners = [...(base?.metadata.ownerReferences ?? [])];
  if (input.owner && !owners.some((o) => o.uid === input.owner!.uid)) owners.push(input.owner);
  const metadata: ReportObject['metadata'] = {
    ...(base?.metadata ?? {}),
    name: ref.name,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    labels: { ...base?.metadata.labels, ...input.labels },
    annotations: { ...base?.metadata.annotations, [LAST_WRITE_ANNOTATION]: input.writeMark },
    ...(owners.length ? { ownerReferences: owners } : {}),
  };
  delete metadata.managedFields; // the server owns them; sending them back only costs bytes
  const results: ReportResult[] = merge.results;
  const report: ReportObject = {
    ...(base ?? {}),
    apiVersion: input.group,
    kind,
    metadata,
    ...(input.key.scope ? { scope: input.key.scope } : {}),
    results,
    summary: computeSummary(results),
  };
  return { report, merge };
}

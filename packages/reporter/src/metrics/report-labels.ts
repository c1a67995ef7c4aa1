import type { ObjectReference, ReportObject, ReportResult } from '@docket/model';
import { customLabelName } from '../config/metrics-schema.ts';

export type MetricsMode = 'detailed' | 'simple' | 'custom';

/** Label names of `policy_report_result` in detailed mode, in Policy Reporter's order. */
export const DETAILED_LABELS = ['namespace', 'rule', 'policy', 'report', 'kind', 'name', 'status', 'severity', 'category', 'source'] as const;
/** Label names in simple mode; the value is the number of matching results. */
export const SIMPLE_LABELS = ['namespace', 'policy', 'status', 'severity', 'category', 'source'] as const;

/** Reads one label value from a result of a report. */
type Getter = (report: ReportObject, result: ReportResult, subject: ObjectReference | undefined) => string;

const FIELD: Readonly<Record<string, Getter>> = {
  namespace: (rep) => rep.metadata.namespace ?? '',
  report: (rep) => rep.metadata.name ?? '',
  policy: (_r, res) => res.policy,
  rule: (_r, res) => res.rule ?? '',
  kind: (_r, _res, s) => s?.kind ?? '',
  name: (_r, _res, s) => s?.name ?? '',
  status: (_r, res) => res.result ?? '',
  severity: (_r, res) => res.severity ?? '',
  category: (_r, res) => res.category ?? '',
  source: (rep, res) => res.source || rep.source || '',
  message: (_r, res) => res.message ?? '',
};

function getter(entry: string): Getter {
  if (entry.startsWith('label:')) {
    const key = entry.slice('label:'.length);
    return (rep) => rep.metadata.labels?.[key] ?? '';
  }
  if (entry.startsWith('property:')) {
    const key = entry.slice('property:'.length);
    return (_r, res) => res.properties?.[key] ?? '';
  }
  const g = FIELD[entry];
  if (!g) throw new Error(`unknown metrics label "${entry}"`);
  return g;
}

/** The label names and value readers of one gauge (namespaced or cluster) in one mode. */
export interface LabelPlan {
  readonly names: readonly string[];
  values(report: ReportObject, result: ReportResult): string[];
}

/**
 * Builds the label plan for a mode. The cluster gauge never has `namespace` (Policy Reporter drops
 * it in every mode, including from custom labels).
 */
export function labelPlan(mode: MetricsMode, customLabels: readonly string[], cluster: boolean): LabelPlan {
  const entries: readonly string[] = mode === 'detailed' ? DETAILED_LABELS : mode === 'simple' ? SIMPLE_LABELS : customLabels;
  const kept = entries.filter((e) => !(cluster && e === 'namespace'));
  const getters = kept.map(getter);
  return {
    names: kept.map(customLabelName),
    values(report, result) {
      const subject = result.resources?.[0] ?? report.scope;
      return getters.map((g) => g(report, result, subject));
    },
  };
}

/** Whether a report object is cluster-scoped (it has no namespace). */
export function isClusterReport(report: ReportObject): boolean {
  return !report.metadata.namespace;
}

/** Identity of a report across kinds, API groups and clusters. */
export function reportKey(report: Pick<ReportObject, 'apiVersion' | 'kind' | 'metadata'>, cluster = ''): string {
  const group = report.apiVersion.includes('/') ? report.apiVersion.slice(0, report.apiVersion.indexOf('/')) : '';
  return `${cluster}\u0001${group}\u0001${report.kind}\u0001${report.metadata.namespace ?? ''}\u0001${report.metadata.name ?? ''}`;
}

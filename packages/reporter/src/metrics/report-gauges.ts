import { Gauge, type Registry } from 'prom-client';
import type { ReportObject } from '@docket/model';
import { compileFilter, toFilterContext, type FilterSpec, type ResultFilter } from '@docket/core';
import { isClusterReport, labelPlan, reportKey, type LabelPlan, type MetricsMode } from './report-labels.ts';

/** A report as far as a delete needs it. */
export type ReportRef = Pick<ReportObject, 'apiVersion' | 'kind' | 'metadata'>;

export interface ReportGaugesOptions {
  registry: Registry;
  mode: MetricsMode;
  customLabels?: readonly string[];
  /** `metrics.filter`: results it rejects are not counted. */
  filter?: FilterSpec;
}

/** `policy_report_result` and `cluster_policy_report_result`, kept current from report events. */
export interface ReportGauges {
  /** A report was added or changed: its series are replaced by the ones of this version. */
  upsert(report: ReportObject, cluster?: string): void;
  /** A report was deleted: its series are withdrawn. */
  remove(report: ReportRef, cluster?: string): void;
  /** Reports that currently contribute at least one series. */
  readonly reports: number;
  /** Series currently exported (both gauges). */
  readonly series: number;
}

const SEP = '\u0001';

/** Series key of label values; a separator inside a value (never seen in practice) becomes a space. */
function seriesKey(values: readonly string[]): string {
  return values.map((v) => (v.includes(SEP) ? v.replaceAll(SEP, ' ') : v)).join(SEP);
}

/**
 * One gauge with reference-counted series, so several reports may share a series (simple/custom
 * modes). Only key → count is held here; labels are rebuilt from the key when a series changes,
 * since prom-client already keeps a labels object per series.
 */
function createSeriesSet(gauge: Gauge, plan: LabelPlan) {
  const all = new Map<string, number>();
  const labelsOf = (key: string) => {
    const values = key.split(SEP);
    const labels: Record<string, string> = {};
    plan.names.forEach((n, i) => { labels[n] = values[i] ?? ''; });
    return labels;
  };
  return {
    all,
    /** Applies count deltas and pushes only the series that changed to the gauge. */
    apply(deltas: Map<string, number>) {
      for (const [key, delta] of deltas) {
        if (delta === 0) continue;
        const count = (all.get(key) ?? 0) + delta;
        if (count <= 0) {
          gauge.remove(labelsOf(key));
          all.delete(key);
        } else {
          gauge.set(labelsOf(key), count);
          all.set(key, count);
        }
      }
    },
  };
}

/** What one report contributes: series key → number of its results with those labels. */
type Contribution = { cluster: boolean; series: Map<string, number> };
type Deltas = Map<string, number>;

/**
 * Creates both report gauges on `registry`. Each report's contribution is remembered (series keys
 * and counts only), so an update withdraws exactly the series the previous version added and a
 * delete withdraws all of them: memory and series follow the current results, never history, and
 * no event ever rescans other reports.
 */
export function createReportGauges(opts: ReportGaugesOptions): ReportGauges {
  const custom = opts.customLabels ?? [];
  const namespacedPlan = labelPlan(opts.mode, custom, false);
  const clusterPlan = labelPlan(opts.mode, custom, true);
  const help = opts.mode === 'detailed'
    ? 'One series per policy result (value 1, or the number of identical results).'
    : 'Number of policy results with these labels.';
  const namespaced = createSeriesSet(new Gauge({
    name: 'policy_report_result', help: `${help} Namespaced reports.`, labelNames: [...namespacedPlan.names], registers: [opts.registry],
  }), namespacedPlan);
  const cluster = createSeriesSet(new Gauge({
    name: 'cluster_policy_report_result', help: `${help} Cluster-scoped reports.`, labelNames: [...clusterPlan.names], registers: [opts.registry],
  }), clusterPlan);
  const filter: ResultFilter | undefined = opts.filter ? compileFilter({ filter: opts.filter }, 'metrics') : undefined;
  const byReport = new Map<string, Contribution>();

  /** Counts this version's series and adds them to `deltas`. */
  const contribute = (report: ReportObject, deltas: Deltas): Contribution => {
    const isCluster = isClusterReport(report);
    const plan = isCluster ? clusterPlan : namespacedPlan;
    const series = new Map<string, number>();
    for (const result of report.results ?? []) {
      if (filter && filter(toFilterContext(report, result)) !== undefined) continue;
      const key = seriesKey(plan.values(report, result));
      series.set(key, (series.get(key) ?? 0) + 1);
      deltas.set(key, (deltas.get(key) ?? 0) + 1);
    }
    return { cluster: isCluster, series };
  };

  const withdraw = (old: Contribution, into: Deltas) => {
    for (const [key, count] of old.series) into.set(key, -count);
  };

  return {
    upsert(report, clusterId = '') {
      const key = reportKey(report, clusterId);
      const old = byReport.get(key);
      const oldDeltas: Deltas = new Map();
      if (old) withdraw(old, oldDeltas);
      const sameGauge = old !== undefined && old.cluster === isClusterReport(report);
      const newDeltas: Deltas = sameGauge ? oldDeltas : new Map();
      const next = contribute(report, newDeltas);
      if (old) (old.cluster ? cluster : namespaced).apply(oldDeltas);
      if (!sameGauge) (next.cluster ? cluster : namespaced).apply(newDeltas);
      if (next.series.size > 0) byReport.set(key, next);
      else byReport.delete(key);
    },
    remove(report, clusterId = '') {
      const key = reportKey(report, clusterId);
      const old = byReport.get(key);
      if (!old) return;
      const deltas: Deltas = new Map();
      withdraw(old, deltas);
      (old.cluster ? cluster : namespaced).apply(deltas);
      byReport.delete(key);
    },
    get reports() { return byReport.size; },
    get series() { return namespaced.all.size + cluster.all.size; },
  };
}

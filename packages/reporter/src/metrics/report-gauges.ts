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

interface Series { labels: Record<string, string>; count: number }

/** One gauge with reference-counted series, so several reports may share a series (simple/custom modes). */
function createSeriesSet(gauge: Gauge, plan: LabelPlan) {
  const all = new Map<string, Series>();
  return {
    plan,
    all,
    /** Applies count deltas and pushes only the series that changed to the gauge. */
    apply(deltas: Map<string, { values: string[]; delta: number }>) {
      for (const [key, { values, delta }] of deltas) {
        if (delta === 0) continue;
        let s = all.get(key);
        if (!s) {
          const labels: Record<string, string> = {};
          plan.names.forEach((n, i) => { labels[n] = values[i]!; });
          s = { labels, count: 0 };
          all.set(key, s);
        }
        s.count += delta;
        if (s.count <= 0) {
          gauge.remove(s.labels);
          all.delete(key);
        } else {
          gauge.set(s.labels, s.count);
        }
      }
    },
  };
}

/** What one report contributes: series key → (label values, number of results). */
type Contribution = { cluster: boolean; series: Map<string, { values: string[]; count: number }> };

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

  const contribution = (report: ReportObject): Contribution => {
    const isCluster = isClusterReport(report);
    const plan = isCluster ? clusterPlan : namespacedPlan;
    const series = new Map<string, { values: string[]; count: number }>();
    for (const result of report.results ?? []) {
      if (filter && filter(toFilterContext(report, result)) !== undefined) continue;
      const values = plan.values(report, result);
      const key = values.join('\u0001');
      const s = series.get(key);
      if (s) s.count++;
      else series.set(key, { values, count: 1 });
    }
    return { cluster: isCluster, series };
  };

  const withdraw = (old: Contribution | undefined, into: Map<string, { values: string[]; delta: number }>) => {
    for (const [key, s] of old?.series ?? []) into.set(key, { values: s.values, delta: -s.count });
  };

  return {
    upsert(report, clusterId = '') {
      const key = reportKey(report, clusterId);
      const old = byReport.get(key);
      const next = contribution(report);
      const oldDeltas = new Map<string, { values: string[]; delta: number }>();
      const newDeltas = old && old.cluster === next.cluster ? oldDeltas : new Map<string, { values: string[]; delta: number }>();
      withdraw(old, oldDeltas);
      for (const [k, s] of next.series) {
        const d = newDeltas.get(k);
        if (d) d.delta += s.count;
        else newDeltas.set(k, { values: s.values, delta: s.count });
      }
      if (old) (old.cluster ? cluster : namespaced).apply(oldDeltas);
      if (newDeltas !== oldDeltas) (next.cluster ? cluster : namespaced).apply(newDeltas);
      if (next.series.size > 0) byReport.set(key, next);
      else byReport.delete(key);
    },
    remove(report, clusterId = '') {
      const key = reportKey(report, clusterId);
      const old = byReport.get(key);
      if (!old) return;
      const deltas = new Map<string, { values: string[]; delta: number }>();
      withdraw(old, deltas);
      (old.cluster ? cluster : namespaced).apply(deltas);
      byReport.delete(key);
    },
    get reports() { return byReport.size; },
    get series() { return namespaced.all.size + cluster.all.size; },
  };
}

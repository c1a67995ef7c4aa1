/**
 * bench:reporter part 1: new-result detection in process — the core tracker's diff plus the
 * pipeline's per-target filters and outbox rows (`deliveriesFor`), over reports whose results
 * change every round. Only observe + deliveriesFor are timed; building the reports is not.
 */
import { createIdOf, createResultTracker } from '@docket/core';
import type { ReportObject, ReportResult } from '@docket/model';
import { compileTargets, deliveriesFor } from '@docket/reporter';

export interface DetectFigures {
  reports: number;
  resultsPerReport: number;
  rounds: number;
  resultsProcessed: number;
  newDetections: number;
  rows: number;
  seconds: number;
  resultsPerSec: number;
  detectionsPerSec: number;
}

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

function result(n: number): ReportResult {
  return {
    policy: `policy-${n % 97}`, rule: `rule-${n}`, result: n % 10 === 0 ? 'pass' : 'fail', source: n % 3 === 0 ? 'trivy' : 'kyverno',
    severity: SEVERITIES[n % 4], category: 'bench', message: `finding ${n} of the benchmark`,
    resources: [{ apiVersion: 'v1', kind: 'Pod', name: `pod-${n >> 4}`, namespace: 'x', uid: `uid-${n >> 4}` }],
  } as ReportResult;
}

export function runDetectionBench(opts: { reports: number; results: number; rounds: number; churn: number }, log: (m: string) => void): DetectFigures {
  const targets = compileTargets([
    { name: 'all', skipExistingOnStartup: false },
    { name: 'team', filter: { filter: { namespaces: { exclude: ['kube-*'] }, policies: { include: ['policy-1*', 'policy-2*'] } } } },
    { name: 'high', filter: { minimumSeverity: 'high', sources: ['kyverno'] } },
  ]);
  const tracker = createResultTracker();
  tracker.endStartup();
  const ctx = { targets, idOf: createIdOf() };
  let next = 0;
  const current: ReportResult[][] = [];
  for (let r = 0; r < opts.reports; r++) current.push(Array.from({ length: opts.results }, () => result(next++)));
  let seconds = 0;
  let processed = 0;
  let detections = 0;
  let rows = 0;
  for (let round = 0; round < opts.rounds; round++) {
    const batch: ReportObject[] = [];
    for (let r = 0; r < opts.reports; r++) {
      const results = current[r]!;
      if (round > 0) for (let i = 0; i < results.length * opts.churn; i++) results[(i * 7 + round) % results.length] = result(next++);
      batch.push({
        apiVersion: 'wgpolicyk8s.io/v1beta1', kind: 'PolicyReport',
        metadata: { name: `r${r}`, namespace: `team-${r % 50}`, resourceVersion: String(round * opts.reports + r) },
        results: [...results],
      } as ReportObject);
    }
    const t0 = process.hrtime.bigint();
    for (const report of batch) {
      const outcome = tracker.observe(report, round);
      detections += outcome.added.length;
      rows += deliveriesFor(report, outcome, ctx).length;
    }
    seconds += Number(process.hrtime.bigint() - t0) / 1e9;
    processed += opts.reports * opts.results;
    log(`detect round ${round + 1}/${opts.rounds}: ${processed} results, ${detections} new`);
  }
  return {
    reports: opts.reports, resultsPerReport: opts.results, rounds: opts.rounds,
    resultsProcessed: processed, newDetections: detections, rows, seconds,
    resultsPerSec: Math.round(processed / seconds), detectionsPerSec: Math.round(detections / seconds),
  };
}

import type { ReportResult, ReportSummary } from '@docket/model';

/**
 * Recomputes a report summary from its results. Producers routinely send summaries that
 * contradict their results, so Docket never trusts the incoming one. Every counter is present
 * (zero included) so printer columns always show a number.
 */
export function computeSummary(results: readonly ReportResult[] | undefined): Required<ReportSummary> {
  const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results ?? []) {
    if (r.result !== undefined) summary[r.result]++;
  }
  return summary;
}

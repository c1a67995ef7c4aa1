/**
 * The writer's in-memory fold of events between two writes. Same rules as `combineResults`
 * (counts add, earliest firstSeen, the newest event's fields win, properties merged), but kept as
 * numbers and turned into a ReportResult only when a report is written: at tens of thousands of
 * events per second, formatting and re-parsing RFC 3339 times per event was the writer's main cost.
 */
import type { ObjectReference, ReportResult } from '@docket/model';
import { resultId } from '@docket/core';
import { lastSeenMs, msToTimestamp, timestampMs } from './result-merge.ts';

export interface PendingResult {
  /** The most recently seen event (its fields win). */
  result: ReportResult;
  /** Properties of every folded event, newer values over older ones. */
  properties: Record<string, string>;
  count: number;
  firstMs: number;
  lastMs: number;
}

function countOf(r: ReportResult): number {
  const n = Number(r.properties?.['count']);
  return Number.isSafeInteger(n) && n > 0 ? n : 1;
}

function firstSeenOf(r: ReportResult, fallback: number): number {
  const parsed = r.properties?.['firstSeen'] ? Date.parse(r.properties['firstSeen']) : NaN;
  return Number.isNaN(parsed) ? fallback : parsed;
}

/**
 * Folds one event (or an already aggregated result, e.g. requeued after a failed write) into
 * `pending` under its result id; returns the id.
 */
export function foldPending(pending: Map<string, PendingResult>, result: ReportResult, nowMs: number, scope?: ObjectReference): string {
  const id = resultId(result, scope);
  const at = result.properties?.['lastSeen'] ? (lastSeenMs(result) ?? nowMs) : result.timestamp ? timestampMs(result.timestamp) : nowMs;
  const first = result.properties?.['firstSeen'] ? firstSeenOf(result, at) : at;
  const count = countOf(result);
  const prev = pending.get(id);
  if (!prev) {
    pending.set(id, { result, properties: { ...result.properties }, count, firstMs: Math.min(first, at), lastMs: at });
    return id;
  }
  prev.count += count;
  if (first < prev.firstMs) prev.firstMs = first;
  if (at >= prev.lastMs) {
    prev.lastMs = at;
    prev.result = result;
    if (result.properties) Object.assign(prev.properties, result.properties);
  } else if (result.properties) {
    for (const [k, v] of Object.entries(result.properties)) if (!(k in prev.properties)) prev.properties[k] = v;
  }
  return id;
}

/** The aggregate as the result that goes into the report. */
export function toPendingResult(id: string, p: PendingResult): ReportResult {
  return {
    ...p.result,
    timestamp: msToTimestamp(p.lastMs),
    properties: {
      ...p.properties,
      resultID: id,
      count: String(p.count),
      firstSeen: new Date(p.firstMs).toISOString(),
      lastSeen: new Date(p.lastMs).toISOString(),
    },
  };
}

/** Drops all but the `keep` most recently seen; returns how many went. */
export function trimPending(pending: Map<string, PendingResult>, keep: number): number {
  const byAge = [...pending].sort((a, b) => a[1].lastMs - b[1].lastMs);
  const drop = byAge.slice(0, Math.max(0, byAge.length - keep));
  for (const [id] of drop) pending.delete(id);
  return drop.length;
}

/**
 * Pure rules of the report writer: result identity, folding repeated events into one result
 * (`count`, `firstSeen`, `lastSeen`), TTL expiry and the maxResults cap. Kept apart from I/O so they
 * are table-tested and so a conflict re-read merges with exactly the same rules.
 */
import type { ObjectReference, ReportResult, Timestamp } from '@docket/model';
import { resultId } from '@docket/core';

/** Epoch milliseconds of a protobuf-style timestamp. */
export function timestampMs(t: Timestamp): number {
  return t.seconds * 1000 + Math.floor(t.nanos / 1e6);
}

export function msToTimestamp(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1e6 };
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/** When the result was last seen: `properties.lastSeen`, else its timestamp; undefined if neither parses. */
export function lastSeenMs(r: ReportResult): number | undefined {
  const text = r.properties?.['lastSeen'];
  const parsed = text ? Date.parse(text) : NaN;
  if (!Number.isNaN(parsed)) return parsed;
  return r.timestamp ? timestampMs(r.timestamp) : undefined;
}

function firstSeenMs(r: ReportResult): number | undefined {
  const text = r.properties?.['firstSeen'];
  const parsed = text ? Date.parse(text) : NaN;
  return Number.isNaN(parsed) ? lastSeenMs(r) : parsed;
}

function countOf(r: ReportResult): number {
  const n = Number(r.properties?.['count']);
  return Number.isSafeInteger(n) && n > 0 ? n : 1;
}

/**
 * Normalises one incoming event: stable `properties.resultID` (core's result identity),
 * `count` 1, `firstSeen`/`lastSeen` and `timestamp` = the event's own time (or `nowMs` if it has none).
 */
export function toEventResult(result: ReportResult, nowMs: number, scope?: ObjectReference): ReportResult {
  const at = result.timestamp ? timestampMs(result.timestamp) : nowMs;
  const id = resultId(result, scope);
  return {
    ...result,
    timestamp: result.timestamp ?? msToTimestamp(at),
    properties: { ...result.properties, resultID: id, count: String(countOf(result)), firstSeen: rfc3339(at), lastSeen: rfc3339(at) },
  };
}

/**
 * Combines two aggregates of the same result: counts add up, firstSeen is the earlier, lastSeen and
 * `timestamp` the later, and every other field comes from the more recently seen one.
 */
export function combineResults(a: ReportResult, b: ReportResult): ReportResult {
  const aLast = lastSeenMs(a) ?? 0;
  const bLast = lastSeenMs(b) ?? 0;
  const [older, newer] = bLast >= aLast ? [a, b] : [b, a];
  const first = Math.min(firstSeenMs(a) ?? aLast, firstSeenMs(b) ?? bLast);
  const last = Math.max(aLast, bLast);
  return {
    ...newer,
    timestamp: msToTimestamp(last),
    properties: {
      ...older.properties,
      ...newer.properties,
      count: String(countOf(a) + countOf(b)),
      firstSeen: rfc3339(first),
      lastSeen: rfc3339(last),
    },
  };
}

/** The identity a stored result is merged under (results written by others may lack resultID). */
export function idOf(r: ReportResult, scope?: ObjectReference): string {
  return r.properties?.['resultID'] || resultId(r, scope);
}

export interface MergeLimits {
  nowMs: number;
  ttlMs: number;
  maxResults: number;
  scope?: ObjectReference;
}

export interface MergeOutcome {
  results: ReportResult[];
  expired: number;
  capped: number;
  /** When the oldest kept result expires (epoch ms); undefined when nothing is kept. */
  nextExpiryMs?: number;
}

/**
 * Folds `pending` aggregates into the report's current results, drops results not seen for
 * `ttlMs`, then keeps the `maxResults` most recently seen (oldest dropped first). Order of the
 * output is by last seen, oldest first, so a reader sees the newest at the end.
 */
export function mergeResults(current: readonly ReportResult[], pending: Iterable<ReportResult>, lim: MergeLimits): MergeOutcome {
  const byId = new Map<string, ReportResult>();
  for (const r of current) {
    const id = idOf(r, lim.scope);
    const prev = byId.get(id);
    byId.set(id, prev ? combineResults(prev, r) : r);
  }
  for (const r of pending) {
    const id = idOf(r, lim.scope);
    const prev = byId.get(id);
    byId.set(id, prev ? combineResults(prev, r) : r);
  }
  const cutoff = lim.nowMs - lim.ttlMs;
  let expired = 0;
  const live: { r: ReportResult; seen: number }[] = [];
  for (const r of byId.values()) {
    const seen = lastSeenMs(r) ?? lim.nowMs; // never-dated results from others start their TTL now
    if (seen < cutoff) expired++;
    else live.push({ r, seen });
  }
  live.sort((x, y) => x.seen - y.seen);
  const capped = Math.max(0, live.length - lim.maxResults);
  const kept = live.slice(capped);
  return {
    results: kept.map((k) => k.r),
    expired,
    capped,
    ...(kept.length ? { nextExpiryMs: kept[0]!.seen + lim.ttlMs } : {}),
  };
}

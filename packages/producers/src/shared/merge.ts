import type { ReportResult, Timestamp } from '@docket/model';
import { compareTimestamps, formatTimestamp, parseRfc3339 } from './time.ts';

const EPOCH: Timestamp = { seconds: 0, nanos: 0 };

/**
 * Folds a repeated event into the result already held for the same resultID — the rule the
 * report writer applies, kept here as a pure function so every producer's output is tested
 * against it. `count` is the number of events (1 for the first; the publisher was off by one),
 * `firstSeen`/`lastSeen` are RFC 3339 times of the events, and the newest event wins every other
 * field (an older event arriving late only updates count and firstSeen).
 */
export function mergeRepeated(previous: ReportResult | undefined, next: ReportResult): ReportResult {
  const nextTime = next.timestamp ?? EPOCH;
  if (!previous) {
    const at = formatTimestamp(nextTime);
    return { ...next, properties: { ...next.properties, count: '1', firstSeen: at, lastSeen: at } };
  }
  const prevProps = previous.properties ?? {};
  const count = String((Number(prevProps.count) || 1) + 1);
  const newer = compareTimestamps(nextTime, previous.timestamp ?? EPOCH) >= 0;
  const base = newer ? { ...next, properties: { ...prevProps, ...next.properties } } : { ...previous, properties: { ...prevProps } };
  const at = formatTimestamp(nextTime);
  const firstSeen = earlier(prevProps.firstSeen, nextTime) ? prevProps.firstSeen! : at;
  const lastSeen = earlier(prevProps.lastSeen, nextTime) === false ? prevProps.lastSeen! : at;
  base.properties = { ...base.properties, count, firstSeen, lastSeen };
  return base;
}

/** Whether the RFC 3339 `text` is before `t`; undefined when absent or unparsable. */
function earlier(text: string | undefined, t: Timestamp): boolean | undefined {
  const parsed = text ? parseRfc3339(text) : undefined;
  return parsed ? compareTimestamps(parsed, t) < 0 : undefined;
}

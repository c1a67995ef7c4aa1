import { toResultJson } from '../text.ts';
import type { Notification } from '../types.ts';

/**
 * Object key `<prefix>/<YYYY-MM-DD>/<policy>-<resultId>.json`. Policy Reporter appends the send
 * time; Docket leaves it out and dates by the result's own timestamp, so a retried PUT overwrites
 * the same object instead of adding a second one.
 */
export function objectKey(n: Notification, prefix: string, nowMs: number): string {
  const ts = n.result.timestamp;
  const day = new Date(ts ? ts.seconds * 1000 : nowMs).toISOString().slice(0, 10);
  const safe = (s: string) => s.replace(/[\/\\]/g, '_');
  return `${prefix.replace(/\/+$/, '')}/${day}/${safe(n.result.policy)}-${safe(n.resultId)}.json`;
}

/** Object body: the standard result JSON. */
export function formatObject(n: Notification, nowMs: number, customFields?: Record<string, string>): string {
  return JSON.stringify(toResultJson(n, nowMs, customFields));
}

import { toResultJson } from '../text.ts';
import type { Notification } from '../types.ts';

/** The body of one webhook POST: the standard result JSON (Policy Reporter's field names + Docket's). */
export function formatWebhook(n: Notification, nowMs: number, customFields?: Record<string, string>): Record<string, unknown> {
  return toResultJson(n, nowMs, customFields);
}

/** The keepalive heartbeat body: `{"event":"heartbeat","time":RFC3339,...params}`. */
export function formatHeartbeat(nowMs: number, params: Record<string, string> = {}): Record<string, unknown> {
  return { ...params, event: 'heartbeat', time: new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

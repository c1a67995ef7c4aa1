import { resultTimeNanos, subjectOf } from '../text.ts';
import type { Notification } from '../types.ts';

/** Loki label names must match `[a-zA-Z_][a-zA-Z0-9_]*`; everything else becomes `_`. */
export function toLabelName(key: string): string {
  const cleaned = key.replace(/\[\]/g, '').replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[a-zA-Z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

/**
 * Stream labels of one result. Properties that identify single results (`resultID`) or resources
 * (uid) are left out: each distinct label set is a Loki stream, so they would explode cardinality.
 */
export function lokiLabels(n: Notification, customFields: Record<string, string> = {}): Record<string, string> {
  const r = n.result;
  const subject = subjectOf(n);
  const labels: Record<string, string> = {};
  const put = (k: string, v: string | undefined) => { if (v) labels[toLabelName(k)] = v; };
  for (const [k, v] of Object.entries(r.properties ?? {})) if (k !== 'resultID') put(k, v.replace(/\//g, ''));
  for (const [k, v] of Object.entries(customFields)) put(k, v);
  put('createdBy', 'docket');
  put('status', r.result); put('policy', r.policy); put('rule', r.rule); put('category', r.category);
  put('severity', r.severity); put('source', n.source ?? r.source);
  put('apiVersion', subject?.apiVersion); put('kind', subject?.kind); put('name', subject?.name);
  put('namespace', subject?.namespace ?? n.report.namespace);
  if (n.fixed) put('fixed', 'true');
  return labels;
}

/** The log line: `[SEVERITY] message`, as Policy Reporter writes it. */
export function lokiLine(n: Notification): string {
  return `[${(n.result.severity ?? 'none').toUpperCase()}] ${n.result.message ?? ''}`.trimEnd();
}

/**
 * Push API body (https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs):
 * results with equal labels share one stream; timestamps are nanosecond decimal strings.
 */
export function formatLoki(batch: readonly Notification[], nowMs: number, customFields?: Record<string, string>): { streams: Array<{ stream: Record<string, string>; values: Array<[string, string]> }> } {
  const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string]> }>();
  for (const n of batch) {
    const stream = lokiLabels(n, customFields);
    const key = JSON.stringify(Object.entries(stream).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let entry = streams.get(key);
    if (!entry) streams.set(key, (entry = { stream, values: [] }));
    entry.values.push([resultTimeNanos(n, nowMs), lokiLine(n)]);
  }
  return { streams: [...streams.values()] };
}

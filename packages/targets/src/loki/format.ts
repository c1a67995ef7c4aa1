import { resultTimeNanos, subjectOf, truncate } from '../text.ts';
import type { Notification } from '../types.ts';

/**
 * Loki's default per-stream limits (`limits_config`): 15 label names, label values up to 2048
 * bytes, log lines up to 256 KB. Values are cut in characters small enough to stay within the
 * byte limits for any UTF-8 text.
 */
export const LOKI_LIMITS = { labels: 15, labelValueChars: 600, lineChars: 60_000 } as const;

/** Loki label names must match `[a-zA-Z_][a-zA-Z0-9_]*`; everything else becomes `_`. */
export function toLabelName(key: string): string {
  const cleaned = key.replace(/\[\]/g, '').replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[a-zA-Z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

/**
 * Stream labels and the properties that did not fit as labels. The fixed labels come first, then
 * custom fields, then result properties, up to Loki's 15 names. `resultID` is never a label: each
 * distinct label set is a stream, so per-result values would explode cardinality.
 */
export function lokiLabels(n: Notification, customFields: Record<string, string> = {}): { labels: Record<string, string>; rest: Array<[string, string]> } {
  const r = n.result;
  const subject = subjectOf(n);
  const labels: Record<string, string> = {};
  const rest: Array<[string, string]> = [];
  const put = (k: string, v: string | undefined) => {
    if (!v) return;
    const name = toLabelName(k);
    if (name in labels) return;
    if (Object.keys(labels).length >= LOKI_LIMITS.labels) rest.push([k, v]);
    else labels[name] = truncate(v, LOKI_LIMITS.labelValueChars);
  };
  put('createdBy', 'docket');
  put('status', r.result); put('policy', r.policy); put('rule', r.rule); put('category', r.category);
  put('severity', r.severity); put('source', n.source ?? r.source);
  put('apiVersion', subject?.apiVersion); put('kind', subject?.kind); put('name', subject?.name);
  put('namespace', subject?.namespace ?? n.report.namespace);
  if (n.fixed) put('fixed', 'true');
  for (const k of Object.keys(customFields).sort()) put(k, customFields[k]);
  const props = r.properties ?? {};
  for (const k of Object.keys(props).sort()) if (k !== 'resultID') put(k, props[k]!.replace(/\//g, ''));
  return { labels, rest };
}

/** The log line: `[SEVERITY] message`, as Policy Reporter writes it, then leftovers as logfmt. */
export function lokiLine(n: Notification, rest: Array<[string, string]> = []): string {
  const extra = rest.map(([k, v]) => ` ${toLabelName(k)}=${JSON.stringify(v)}`).join('');
  return truncate(`[${(n.result.severity ?? 'none').toUpperCase()}] ${n.result.message ?? ''}`.trimEnd() + extra, LOKI_LIMITS.lineChars);
}

/**
 * Push API body (https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs):
 * results with equal labels share one stream; timestamps are nanosecond decimal strings.
 */
export function formatLoki(batch: readonly Notification[], nowMs: number, customFields?: Record<string, string>): { streams: Array<{ stream: Record<string, string>; values: Array<[string, string]> }> } {
  const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string]> }>();
  for (const n of batch) {
    const { labels: stream, rest } = lokiLabels(n, customFields);
    const key = JSON.stringify(Object.entries(stream).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let entry = streams.get(key);
    if (!entry) streams.set(key, (entry = { stream, values: [] }));
    entry.values.push([resultTimeNanos(n, nowMs), lokiLine(n, rest)]);
  }
  return { streams: [...streams.values()] };
}

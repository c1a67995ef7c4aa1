import type { ObjectReference, Severity } from '@docket/model';
import type { Notification } from './types.ts';

/**
 * Cuts `text` to at most `max` UTF-16 code units, ending in an ellipsis when cut. Counting code
 * units is never less than counting characters, so the result fits every service's limit; a
 * surrogate pair is never split.
 */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  if (max <= ellipsis.length) return ellipsis.slice(0, Math.max(0, max));
  let cut = max - ellipsis.length;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + ellipsis;
}

/** The resource a result is about: its first subject, else the report scope. */
export function subjectOf(n: Notification): ObjectReference | undefined {
  return n.result.resources?.[0] ?? n.scope;
}

/** `namespace/Kind/name`, `Kind/name`, or '' when the result has no subject. */
export function resourceString(ref: ObjectReference | undefined): string {
  if (!ref) return '';
  return [ref.namespace, ref.kind, ref.name].filter((p) => p).join('/');
}

/** Colours per severity (hex without '#'), as Policy Reporter's chat messages use them. */
export const SEVERITY_COLORS: Record<Severity | 'none', string> = {
  info: '68c2ff', low: '36a64f', medium: 'f2c744', high: 'b80707', critical: 'e20b0b', none: '9e9e9e',
};

export function severityColor(severity: Severity | undefined): string {
  return SEVERITY_COLORS[severity ?? 'none'];
}

/** The result's own timestamp as RFC 3339, else `nowMs`. */
export function resultTime(n: Notification, nowMs: number): string {
  const ts = n.result.timestamp;
  return new Date(ts ? ts.seconds * 1000 + Math.floor(ts.nanos / 1e6) : nowMs).toISOString();
}

/** Result timestamp (or now) in nanoseconds since the epoch, as a decimal string (Loki). */
export function resultTimeNanos(n: Notification, nowMs: number): string {
  const ts = n.result.timestamp;
  const ns = ts ? BigInt(ts.seconds) * 1_000_000_000n + BigInt(ts.nanos) : BigInt(nowMs) * 1_000_000n;
  return ns.toString();
}

/** Ordered label/value pairs describing one result; empty values are dropped. */
export function resultFacts(n: Notification): Array<[string, string]> {
  const r = n.result;
  const subject = subjectOf(n);
  const facts: Array<[string, string]> = [
    ['Policy', r.policy], ['Rule', r.rule ?? ''], ['Status', r.result ?? ''], ['Severity', r.severity ?? ''],
    ['Category', r.category ?? ''], ['Source', n.source ?? r.source ?? ''],
    ['Kind', subject?.kind ?? ''], ['Name', subject?.name ?? ''], ['Namespace', subject?.namespace ?? ''],
    ['API Version', subject?.apiVersion ?? ''],
  ];
  return facts.filter(([, v]) => v !== '');
}

/** Result properties then custom fields (custom fields win on equal keys), sorted for stable output. */
export function extraFields(n: Notification, customFields: Record<string, string> | undefined): Array<[string, string]> {
  const merged: Record<string, string> = { ...(n.result.properties ?? {}), ...(customFields ?? {}) };
  return Object.keys(merged).sort().map((k) => [k, merged[k] as string]);
}

/**
 * The JSON shape of one result for log/search/webhook sinks: Policy Reporter's field names (so
 * existing dashboards keep working) plus Docket's `resultId`, `report` and `fixed`.
 */
export function toResultJson(n: Notification, nowMs: number, customFields?: Record<string, string>): Record<string, unknown> {
  const r = n.result;
  const subject = subjectOf(n);
  const properties = { ...(r.properties ?? {}), ...(customFields ?? {}) };
  return {
    resultId: n.resultId,
    message: r.message ?? '',
    policy: r.policy,
    rule: r.rule ?? '',
    status: r.result ?? '',
    severity: r.severity ?? '',
    category: r.category ?? '',
    scored: r.scored ?? false,
    source: n.source ?? r.source ?? '',
    properties,
    ...(subject ? { resource: {
      apiVersion: subject.apiVersion ?? '', kind: subject.kind ?? '', name: subject.name ?? '',
      namespace: subject.namespace ?? '', uid: subject.uid ?? '',
    } } : {}),
    report: { name: n.report.name, namespace: n.report.namespace ?? '', kind: n.report.kind ?? '' },
    creationTimestamp: resultTime(n, nowMs),
    ...(n.fixed ? { fixed: true } : {}),
  };
}

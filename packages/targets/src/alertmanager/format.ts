import { resourceString, subjectOf } from '../text.ts';
import type { Notification } from '../types.ts';

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

/** Alertmanager label names follow Prometheus rules. */
function labelName(key: string): string {
  const cleaned = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[a-zA-Z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

export interface AlertmanagerFormatOptions {
  alertName: string;
  /** How long a firing alert lives without being re-sent. */
  lifetimeMs: number;
  customFields?: Record<string, string>;
}

/**
 * Alerts for `POST /api/v2/alerts`
 * (https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml). Labels identify the
 * alert, so they hold only stable values plus `result_id`: the resolve for a fixed result then
 * carries the very same label set, with `endsAt` = now, and Alertmanager closes that alert.
 */
export function formatAlertmanager(batch: readonly Notification[], nowMs: number, opts: AlertmanagerFormatOptions): AlertmanagerAlert[] {
  return batch.map((n) => {
    const r = n.result;
    const subject = subjectOf(n);
    const labels: Record<string, string> = { alertname: opts.alertName };
    const put = (k: string, v: string | undefined) => { if (v) labels[k] = v; };
    put('name', n.report.name); put('namespace', n.report.namespace); put('severity', r.severity);
    put('status', r.result); put('source', n.source ?? r.source); put('policy', r.policy); put('rule', r.rule);
    put('result_id', n.resultId);
    const annotations: Record<string, string> = {};
    const note = (k: string, v: string | undefined) => { if (v) annotations[k] = v; };
    note('message', r.message); note('resource', resourceString(subject)); note('resource_kind', subject?.kind);
    note('resource_name', subject?.name); note('resource_namespace', subject?.namespace);
    note('resource_apiversion', subject?.apiVersion); note('category', r.category);
    for (const [k, v] of Object.entries({ ...(r.properties ?? {}), ...(opts.customFields ?? {}) })) note(labelName(k), v);
    const startMs = r.timestamp ? r.timestamp.seconds * 1000 : nowMs;
    return {
      labels,
      annotations,
      startsAt: new Date(Math.min(startMs, nowMs)).toISOString(),
      endsAt: new Date(n.fixed ? nowMs : nowMs + opts.lifetimeMs).toISOString(),
    };
  });
}

import { createHash } from 'node:crypto';
import { resourceString, subjectOf, truncate } from '../text.ts';
import type { Notification } from '../types.ts';

export interface JiraFormatOptions {
  projectKey: string;
  issueType: string;
  apiVersion: 'v2' | 'v3';
  labels?: readonly string[];
  components?: readonly string[];
  summaryTemplate?: string;
  customFields?: Record<string, string>;
}

/**
 * The label that makes an issue findable by result: Jira labels allow no spaces and at most 255
 * characters, so ids that do not fit the safe alphabet are hashed.
 */
export function resultLabel(resultId: string): string {
  const safe = /^[A-Za-z0-9._-]{1,200}$/.test(resultId) ? resultId : createHash('sha256').update(resultId).digest('hex').slice(0, 32);
  return `docket-result-${safe}`;
}

/** JQL that finds the issue already created for a result. */
export function dedupJql(projectKey: string, resultId: string): string {
  return `project = "${projectKey.replace(/"/g, '\\"')}" AND labels = "${resultLabel(resultId)}"`;
}

const toLabel = (s: string) => s.replace(/\s+/g, '-').slice(0, 255);

/** Template variables: `{{ policy }}`, `{{ .result.policy }}` (Go style) and the others listed here. */
function templateVars(n: Notification): Record<string, string> {
  const r = n.result;
  const s = subjectOf(n);
  return {
    policy: r.policy, rule: r.rule ?? '', severity: r.severity ?? '', status: r.result ?? '', result: r.result ?? '',
    category: r.category ?? '', source: n.source ?? r.source ?? '', message: r.message ?? '', resource: resourceString(s),
    kind: s?.kind ?? '', name: s?.name ?? '', namespace: s?.namespace ?? n.report.namespace ?? '',
  };
}

/** Renders a summary template; unknown variables render empty. Summaries are capped at 255. */
export function renderSummary(template: string, n: Notification): string {
  const vars = templateVars(n);
  const out = template.replace(/\{\{\s*\.?(?:result\.)?([A-Za-z]+)\s*\}\}/g, (_, key: string) => vars[key] ?? '');
  return truncate(out.replace(/\s+/g, ' ').trim(), 255);
}

function details(n: Notification, customFields: Record<string, string>): Array<[string, string]> {
  const r = n.result;
  const s = subjectOf(n);
  const rows: Array<[string, string]> = [
    ['Policy', r.policy], ['Rule', r.rule ?? ''], ['Severity', r.severity ?? ''], ['Status', r.result ?? ''],
    ['Category', r.category ?? ''], ['Source', n.source ?? r.source ?? ''], ['Kind', s?.kind ?? ''], ['Name', s?.name ?? ''],
    ['Namespace', s?.namespace ?? ''], ['UID', s?.uid ?? ''], ['Result ID', n.resultId],
  ];
  const extra = { ...(r.properties ?? {}), ...Object.fromEntries(Object.entries(customFields).filter(([k]) => !k.startsWith('customfield_'))) };
  for (const k of Object.keys(extra).sort().slice(0, 50)) rows.push([k, extra[k] as string]);
  return rows.filter(([, v]) => v !== '').map(([k, v]) => [truncate(k, 200), truncate(v, 1000)]);
}

/** Wiki markup (API v2). Braces and pipes would start macros/tables, so they are escaped. */
function wikiDescription(n: Notification, rows: Array<[string, string]>): string {
  const esc = (s: string) => s.replace(/([{}|\[\]*_])/g, '\\$1');
  const lines = rows.map(([k, v]) => `*${esc(k)}*: ${esc(v)}`);
  return [n.result.message ? esc(truncate(n.result.message, 10_000)) : '', '', ...lines].join('\n').trim();
}

/** Atlassian Document Format (API v3). */
function adfDescription(n: Notification, rows: Array<[string, string]>): Record<string, unknown> {
  const content: Array<Record<string, unknown>> = [];
  if (n.result.message) content.push({ type: 'paragraph', content: [{ type: 'text', text: truncate(n.result.message, 10_000) }] });
  for (const [k, v] of rows) {
    content.push({ type: 'paragraph', content: [{ type: 'text', text: `${k}: `, marks: [{ type: 'strong' }] }, { type: 'text', text: v }] });
  }
  return { type: 'doc', version: 1, content };
}

/** `customfield_*` keys become issue fields; a JSON array of strings becomes a multi-select. */
function jiraCustomFields(customFields: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(customFields)) {
    if (!k.startsWith('customfield_')) continue;
    let value: unknown = v;
    if (v.trim().startsWith('[')) {
      try {
        const parsed = JSON.parse(v) as unknown;
        if (Array.isArray(parsed)) value = parsed.map((x) => ({ value: String(x) }));
      } catch { /* not JSON: keep the string */ }
    }
    out[k] = value;
  }
  return out;
}

/** Body of `POST /rest/api/{2|3}/issue` for one result. */
export function formatIssue(n: Notification, opts: JiraFormatOptions): Record<string, unknown> {
  const r = n.result;
  const customFields = opts.customFields ?? {};
  const rows = details(n, customFields);
  const labels = [
    'docket', 'policy-violation', toLabel(`policy-${r.policy}`), ...(r.severity ? [`severity-${r.severity}`] : []),
    resultLabel(n.resultId), ...(opts.labels ?? []).map(toLabel),
  ];
  return {
    fields: {
      project: { key: opts.projectKey },
      issuetype: { name: opts.issueType },
      summary: renderSummary(opts.summaryTemplate ?? '{{ resource }}: Policy Violation: {{ policy }}', n),
      description: opts.apiVersion === 'v3' ? adfDescription(n, rows) : wikiDescription(n, rows),
      labels: [...new Set(labels)],
      ...(opts.components?.length ? { components: opts.components.map((name) => ({ name })) } : {}),
      ...jiraCustomFields(customFields),
    },
  };
}

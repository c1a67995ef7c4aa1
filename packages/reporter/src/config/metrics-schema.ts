import { z } from 'zod';
import { includeExcludeSchema } from './sections.ts';

/** Plain labels `metrics.customLabels` may name (Policy Reporter's list). */
export const CUSTOM_LABEL_FIELDS = ['namespace', 'report', 'policy', 'rule', 'kind', 'name', 'severity', 'category', 'source', 'status', 'message'] as const;

/**
 * The Prometheus label name for a custom label entry: Policy Reporter replaces `.`, `/`, `:`, `-`
 * and `;` with `_` (`label:app.kubernetes.io/team` → `label_app_kubernetes_io_team`); any other
 * character outside `[a-zA-Z0-9_]` is replaced too, so the name is always valid.
 */
export function customLabelName(entry: string): string {
  const name = entry.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

const customLabelSchema = z.string().refine(
  (s) => (CUSTOM_LABEL_FIELDS as readonly string[]).includes(s) || /^(label|property):.+$/.test(s),
  { message: `unknown custom label: use one of ${CUSTOM_LABEL_FIELDS.join(', ')}, label:<report label> or property:<result property>` },
);

/** `metrics` as Policy Reporter spells it: enabled, mode, customLabels, filter. */
export const metricsSchema = z.strictObject({
  /** Serve `policy_report_result`/`cluster_policy_report_result` (operational metrics are always on). Default true. */
  enabled: z.boolean().default(true),
  /**
   * detailed: one series per result; simple: counts by namespace/policy/status/severity/category/source;
   * custom: `customLabels`. Default simple (Policy Reporter: detailed), so that series stay bounded by
   * policies × namespaces rather than growing with every result unless asked for.
   */
  mode: z.enum(['detailed', 'simple', 'custom']).default('simple'),
  customLabels: z.array(customLabelSchema).default([]),
  /** Which results are counted (include/exclude, wildcards). */
  filter: z.strictObject({
    namespaces: includeExcludeSchema.optional(),
    policies: includeExcludeSchema.optional(),
    severities: includeExcludeSchema.optional(),
    status: includeExcludeSchema.optional(),
    sources: includeExcludeSchema.optional(),
    kinds: includeExcludeSchema.optional(),
  }).optional(),
}).superRefine((m, ctx) => {
  if (m.mode === 'custom' && m.customLabels.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['customLabels'], message: 'mode "custom" needs at least one custom label' });
  }
  if (m.mode !== 'custom' && m.customLabels.length > 0) {
    ctx.addIssue({ code: 'custom', path: ['customLabels'], message: `customLabels only apply with mode "custom" (mode is "${m.mode}")` });
  }
  const seen = new Map<string, number>();
  m.customLabels.forEach((entry, i) => {
    const name = customLabelName(entry);
    if (seen.has(name)) ctx.addIssue({ code: 'custom', path: ['customLabels', i], message: `"${entry}" gives label ${name}, as does customLabels[${seen.get(name)}]` });
    else seen.set(name, i);
  });
});

export type MetricsConfig = z.output<typeof metricsSchema>;

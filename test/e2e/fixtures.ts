/** Report documents for the end-to-end tests, written as YAML the way users write them. */
import { stringify } from 'yaml';

export const WG = 'wgpolicyk8s.io/v1alpha2';
export const OR = 'openreports.io/v1alpha1';

export interface PolrSpec {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  scope?: { kind: string; name: string };
  /** Result statuses, one result each. */
  results: string[];
  kind?: string;
  apiVersion?: string;
  /** A summary to send (the server must recompute it from the results anyway). */
  summary?: Record<string, number>;
}

export function report(s: PolrSpec): Record<string, unknown> {
  const kind = s.kind ?? 'PolicyReport';
  const clusterScoped = kind.startsWith('Cluster');
  return {
    apiVersion: s.apiVersion ?? WG,
    kind,
    metadata: { name: s.name, ...(clusterScoped ? {} : { namespace: s.namespace ?? 'e2e' }), ...(s.labels ? { labels: s.labels } : {}) },
    ...(s.scope ? { scope: { apiVersion: s.scope.kind === 'Pod' ? 'v1' : 'apps/v1', kind: s.scope.kind, name: s.scope.name, namespace: s.namespace ?? 'e2e' } } : {}),
    ...(s.summary ? { summary: s.summary } : {}),
    results: s.results.map((result, i) => ({
      policy: `policy-${i}`, rule: `rule-${i}`, result, severity: 'medium', category: 'Best Practices',
      message: `check ${i} ${result}`, source: 'kyverno', scored: true, timestamp: { seconds: 1763800000 + i, nanos: 0 },
    })),
  };
}

export function yamlDocs(...objects: Record<string, unknown>[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

/** Splits kubectl's table output into rows of cells (cells never contain spaces here). */
export function table(out: string): string[][] {
  return out.trim().split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s+/));
}

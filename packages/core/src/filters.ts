import type { ObjectReference, ReportObject, ReportResult } from '@docket/model';
import { meetsMinimumSeverity } from './severity.ts';

/**
 * An include/exclude list as Policy Reporter spells it (same keys as the targets' `filter` schema).
 * Include wins: when `include` is non-empty only matches pass and `exclude` is ignored.
 * `selector` (namespaces only) is a namespace label map the namespace must also match.
 */
export interface ValueFilterSpec {
  include?: readonly string[];
  exclude?: readonly string[];
  selector?: Readonly<Record<string, string>>;
}

/** A target's or channel's `filter` block. */
export interface FilterSpec {
  namespaces?: ValueFilterSpec;
  status?: ValueFilterSpec;
  severities?: ValueFilterSpec;
  policies?: ValueFilterSpec;
  sources?: ValueFilterSpec;
  reportLabels?: ValueFilterSpec;
  kinds?: ValueFilterSpec;
}

/** The filtering keys of a target or channel config (a structural subset of the targets' common config). */
export interface TargetFilterConfig {
  filter?: FilterSpec;
  /** `''` or missing: no minimum. */
  minimumSeverity?: string;
  /** Overrides `filter.sources` with an include list (Policy Reporter semantics). */
  sources?: readonly string[];
}

/**
 * What a filter looks at, flattened once per result so that many targets can test it cheaply.
 * Build it with {@link toFilterContext}. An empty `namespace` means cluster-scoped.
 */
export interface FilterContext {
  namespace: string;
  /** Labels of the namespace; needed only when a filter has `namespaces.selector`. */
  namespaceLabels?: Readonly<Record<string, string>>;
  policy: string;
  source: string;
  severity: string;
  status: string;
  kind: string;
  reportLabels: Readonly<Record<string, string>>;
}

/** Returns `undefined` when the result passes, else a human reason it was skipped. */
export type ResultFilter = (ctx: FilterContext) => string | undefined;

/**
 * Flattens a result for filtering: namespace and kind come from the result's first resource, else
 * the report scope, else (namespace) the report itself; an empty result source inherits the report's.
 */
export function toFilterContext(report: ReportObject, result: ReportResult, namespaceLabels?: Readonly<Record<string, string>>): FilterContext {
  const subject: ObjectReference | undefined = result.resources?.[0] ?? report.scope;
  const ctx: FilterContext = {
    namespace: subject?.namespace ?? report.metadata.namespace ?? '',
    policy: result.policy,
    source: result.source || report.source || '',
    severity: result.severity ?? '',
    status: result.result ?? '',
    kind: subject?.kind ?? '',
    reportLabels: report.metadata.labels ?? {},
  };
  if (namespaceLabels) ctx.namespaceLabels = namespaceLabels;
  return ctx;
}

/**
 * Compiles a target's filter keys into one function. `owner` names the target or channel in reasons
 * ("namespace kube-system excluded by filter of target slack/team-a"). Semantics (reference §3.2, §4):
 * wildcards `*`/`?` for namespaces, policies, sources, kinds and report-label values; exact match for
 * status and severities; cluster-scoped results (empty namespace) and results without a kind pass the
 * namespace and kind filters; `reportLabels` entries are `key` (present) or `key:valueWildcard`;
 * `sources` overrides `filter.sources` and, like source filters, is case-insensitive.
 */
export function compileFilter(config: TargetFilterConfig, owner = 'target'): ResultFilter {
  const by = `by filter of ${owner}`;
  const f = config.filter ?? {};
  const checks: ResultFilter[] = [];
  const minimum = config.minimumSeverity;
  if (minimum) {
    checks.push((c) => meetsMinimumSeverity(c.severity, minimum)
      ? undefined
      : `severity ${c.severity || '(none)'} below minimumSeverity ${minimum} of ${owner}`);
  }
  const sources = config.sources && config.sources.length > 0 ? { include: config.sources } : f.sources;
  const sourceKey = config.sources && config.sources.length > 0 ? `by sources of ${owner}` : by;
  addValueCheck(checks, 'source', sources, (c) => c.source, sourceKey, 'glob-i', false);
  addValueCheck(checks, 'namespace', f.namespaces, (c) => c.namespace, by, 'glob', true);
  if (f.namespaces?.selector && Object.keys(f.namespaces.selector).length > 0) checks.push(selectorCheck(f.namespaces.selector, by));
  addValueCheck(checks, 'policy', f.policies, (c) => c.policy, by, 'glob', false);
  addValueCheck(checks, 'severity', f.severities, (c) => c.severity, by, 'exact', false);
  addValueCheck(checks, 'status', f.status, (c) => c.status, by, 'exact', false);
  addValueCheck(checks, 'kind', f.kinds, (c) => c.kind, by, 'glob', true);
  if (f.reportLabels) checks.push(...reportLabelChecks(f.reportLabels, by));
  if (checks.length === 0) return () => undefined;
  if (checks.length === 1) return checks[0]!;
  return (ctx) => {
    for (const check of checks) {
      const reason = check(ctx);
      if (reason !== undefined) return reason;
    }
    return undefined;
  };
}

/**
 * The filter keys a channel ends up with: each of `minimumSeverity`, `sources` and `filter` that the
 * channel sets replaces the root's, else the root's is inherited. `filter` is replaced as a whole,
 * not merged per key, so a channel can widen what its root excludes. This matches
 * `expandChannels` in @docket/targets; Policy Reporter instead never inherits `filter` (reference
 * §3.1), the gap the issue asks Docket to close.
 */
export function resolveChannelFilter(root: TargetFilterConfig, channel: TargetFilterConfig): TargetFilterConfig {
  const out: TargetFilterConfig = {};
  const filter = channel.filter ?? root.filter;
  const minimumSeverity = channel.minimumSeverity ?? root.minimumSeverity;
  const sources = channel.sources ?? root.sources;
  if (filter !== undefined) out.filter = filter;
  if (minimumSeverity !== undefined) out.minimumSeverity = minimumSeverity;
  if (sources !== undefined) out.sources = sources;
  return out;
}

type MatchMode = 'glob' | 'glob-i' | 'exact';

function addValueCheck(
  checks: ResultFilter[], what: string, spec: ValueFilterSpec | undefined, get: (c: FilterContext) => string,
  by: string, mode: MatchMode, emptyPasses: boolean,
): void {
  const include = spec?.include ?? [];
  const exclude = spec?.exclude ?? [];
  if (include.length > 0) {
    const match = compileMatcher(include, mode);
    checks.push((c) => {
      const v = get(c);
      if (emptyPasses && v === '') return undefined;
      return match(v) ? undefined : `${what} ${v || '(none)'} not included ${by}`;
    });
  } else if (exclude.length > 0) {
    const match = compileMatcher(exclude, mode);
    checks.push((c) => {
      const v = get(c);
      if (emptyPasses && v === '') return undefined;
      return match(v) ? `${what} ${v || '(none)'} excluded ${by}` : undefined;
    });
  }
}

/** One matcher for a whole pattern list: a Set for exact values, one RegExp for the wildcards. */
export function compileMatcher(patterns: readonly string[], mode: MatchMode = 'glob'): (value: string) => boolean {
  const fold = mode === 'glob-i';
  const exact = new Set<string>();
  const globs: string[] = [];
  for (const p of patterns) {
    if (mode !== 'exact' && /[*?]/.test(p)) globs.push(globToRegExpSource(p));
    else exact.add(fold ? p.toLowerCase() : p);
  }
  const re = globs.length > 0 ? new RegExp(`^(?:${globs.join('|')})$`, fold ? 'is' : 's') : undefined;
  return (value) => exact.has(fold ? value.toLowerCase() : value) || (re !== undefined && re.test(value));
}

function globToRegExpSource(glob: string): string {
  let out = '';
  for (const ch of glob) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

/**
 * Namespace label selector as a label map. Values use the board-selector syntax Policy Reporter users
 * know: `*` (key exists), `!*` (key absent), `a,b` (one of), else a wildcard match.
 */
function selectorCheck(selector: Readonly<Record<string, string>>, by: string): ResultFilter {
  const tests = Object.entries(selector).map(([key, value]): [string, (v: string | undefined) => boolean] => {
    if (value === '*') return [key, (v) => v !== undefined];
    if (value === '!*') return [key, (v) => v === undefined];
    const match = compileMatcher(value.split(',').map((s) => s.trim()), 'glob');
    return [key, (v) => v !== undefined && match(v)];
  });
  const text = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
  return (c) => {
    if (c.namespace === '') return undefined;
    const labels = c.namespaceLabels ?? {};
    for (const [key, test] of tests) if (!test(labels[key])) return `namespace ${c.namespace} does not match selector ${text} ${by}`;
    return undefined;
  };
}

function reportLabelChecks(spec: ValueFilterSpec, by: string): ResultFilter[] {
  const compile = (entries: readonly string[]) => {
    const tests = entries.map((e): ((labels: Readonly<Record<string, string>>) => boolean) => {
      const i = e.indexOf(':');
      if (i < 0) return (labels) => Object.hasOwn(labels, e);
      const key = e.slice(0, i).trim();
      const match = compileMatcher([e.slice(i + 1).trim()], 'glob');
      return (labels) => Object.hasOwn(labels, key) && match(labels[key]!);
    });
    return (labels: Readonly<Record<string, string>>) => tests.findIndex((t) => t(labels));
  };
  const include = spec.include ?? [];
  const exclude = spec.exclude ?? [];
  if (include.length > 0) {
    const find = compile(include);
    return [(c) => find(c.reportLabels) >= 0 ? undefined : `report labels match none of ${include.join(', ')} ${by}`];
  }
  if (exclude.length > 0) {
    const find = compile(exclude);
    return [(c) => {
      const i = find(c.reportLabels);
      return i < 0 ? undefined : `report label ${exclude[i]} excluded ${by}`;
    }];
  }
  return [];
}

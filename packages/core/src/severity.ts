import type { ResultStatus, Severity } from '@docket/model';

/**
 * Severity order as Policy Reporter v3 uses it for `minimumSeverity`: the empty/missing severity
 * ranks below `info`, so a result without severity never meets a configured minimum.
 */
export const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** A `minimumSeverity` value as Policy Reporter spells it: `''` means "no minimum". */
export type MinimumSeverity = Severity | '';

/** Statuses Policy Reporter v3 sends to targets; `pass` and `skip` never are. */
export const NOTIFIABLE_STATUSES: readonly ResultStatus[] = ['warn', 'fail', 'error'];

const LEVEL: Readonly<Record<string, number>> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Rank of a severity: info 0 … critical 4; empty, missing or unknown severities rank −1. */
export function severityLevel(severity: string | undefined): number {
  return severity === undefined ? -1 : (LEVEL[severity] ?? -1);
}

/** Negative, zero or positive as `a` ranks below, equal to or above `b`. */
export function compareSeverity(a: string | undefined, b: string | undefined): number {
  return severityLevel(a) - severityLevel(b);
}

/**
 * Whether `severity` meets `minimum`. No minimum (`undefined` or `''`) lets everything through,
 * including results without severity; with a minimum set, results without severity are dropped
 * (Policy Reporter ranks them −1).
 */
export function meetsMinimumSeverity(severity: string | undefined, minimum: string | undefined): boolean {
  if (minimum === undefined || minimum === '') return true;
  return severityLevel(severity) >= severityLevel(minimum);
}

/** Whether a result status is in `statuses` (by default warn/fail/error, the v3 rule). */
export function isNotifiable(status: string | undefined, statuses: readonly string[] = NOTIFIABLE_STATUSES): boolean {
  return status !== undefined && statuses.includes(status);
}

/**
 * Policy Reporter v2's priority, still asked for by users migrating alert routing (v3 removed it and
 * always sends `""`). Order: `'' < debug < info < warning < critical < error`.
 */
export type Priority = '' | 'debug' | 'info' | 'warning' | 'critical' | 'error';

export const PRIORITY_ORDER: readonly Priority[] = ['', 'debug', 'info', 'warning', 'critical', 'error'];

/** Rank of a priority in {@link PRIORITY_ORDER}; unknown values rank 0 like `''`. */
export function priorityLevel(priority: string | undefined): number {
  const i = PRIORITY_ORDER.indexOf((priority ?? '') as Priority);
  return i < 0 ? 0 : i;
}

/**
 * Priority of a severity on its own (v2 `PriorityFromSeverity`): critical → critical, high → error,
 * medium → warning, low/info → info, anything else → debug.
 */
export function priorityFromSeverity(severity: string | undefined): Priority {
  switch (severity) {
    case 'critical': return 'critical';
    case 'high': return 'error';
    case 'medium': return 'warning';
    case 'low': case 'info': return 'info';
    default: return 'debug';
  }
}

/**
 * Priority of a result the way Policy Reporter v2 mapped it: skip → debug, pass → info,
 * error → error, warn → warning, fail → from its severity, or `failDefault` (v2: warning) when the
 * result has no severity. A result without status maps like fail, as v2's switch fell through.
 */
export function toPriority(result: { result?: string; severity?: string }, failDefault: Priority = 'warning'): Priority {
  switch (result.result) {
    case 'skip': return 'debug';
    case 'pass': return 'info';
    case 'error': return 'error';
    case 'warn': return 'warning';
    default: return result.severity ? priorityFromSeverity(result.severity) : failDefault;
  }
}

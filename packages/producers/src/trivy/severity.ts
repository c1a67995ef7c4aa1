import type { ResultStatus, Severity } from '@docket/model';

/**
 * Trivy severity → result severity and status: CRITICAL/HIGH fail, MEDIUM/LOW warn, UNKNOWN skip
 * without a severity; anything else is reported (info, fail) rather than dropped. The legacy
 * adapter lost CRITICAL and turned HIGH into `error`.
 */
export function trivySeverity(raw: string): { severity?: Severity; result: ResultStatus } {
  switch (raw.toUpperCase()) {
    case 'CRITICAL': return { severity: 'critical', result: 'fail' };
    case 'HIGH': return { severity: 'high', result: 'fail' };
    case 'MEDIUM': return { severity: 'medium', result: 'warn' };
    case 'LOW': return { severity: 'low', result: 'warn' };
    case 'UNKNOWN': return { result: 'skip' };
    default: return { severity: 'info', result: 'fail' };
  }
}

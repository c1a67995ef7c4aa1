import type { Notification } from '../../src/index.ts';
import type { TargetDeps, TargetLogger } from '../../src/index.ts';

/** 2026-11-22T12:00:00Z */
export const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

export const silentLogger: TargetLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function testDeps(overrides: Partial<TargetDeps> = {}): TargetDeps {
  return { fetch: (url, init) => fetch(url, init), now: () => NOW, logger: silentLogger, ...overrides };
}

export function ctx(timeoutMs = 5000): { signal: AbortSignal } {
  return { signal: AbortSignal.timeout(timeoutMs) };
}

/** A typical failing Kyverno result on a namespaced Pod. */
export function notification(overrides: Partial<Notification> & { resultOverrides?: Partial<Notification['result']> } = {}): Notification {
  const { resultOverrides, ...rest } = overrides;
  return {
    resultId: 'r-1',
    result: {
      policy: 'require-labels',
      rule: 'check-team',
      result: 'fail',
      severity: 'high',
      category: 'Best Practices',
      message: 'label team is required',
      source: 'kyverno',
      properties: { version: '1.2' },
      resources: [{ apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'shop', uid: 'u-1' }],
      timestamp: { seconds: 1_795_000_000, nanos: 5 },
      ...resultOverrides,
    },
    report: { name: 'pol-web-0', namespace: 'shop', kind: 'PolicyReport', labels: { app: 'web' } },
    source: 'kyverno',
    ...rest,
  };
}

/** `count` distinct notifications. */
export function manyNotifications(count: number, extra: Partial<Notification['result']> = {}): Notification[] {
  return Array.from({ length: count }, (_, i) => notification({ resultId: `r-${i}`, resultOverrides: { policy: `policy-${i}`, ...extra } }));
}

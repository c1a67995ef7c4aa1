/**
 * Shared helpers of the store contract suite: report objects in hub form shaped like
 * ../shared/tools/gen-reports.mjs output (Kyverno per-resource reports, 17 PSS results), keys,
 * and small async utilities.
 */
import type { ReportObject, ReportResult } from '@docket/model';
import type { CollectionRef, ObjectKey, ReportStore, StoreOptions, Watch, WatchEvent } from '@docket/store';

/**
 * Creates a store for one contract test. Without `reuse`, on a fresh empty database. With
 * `reuse`, on the same database as that (already closed) store, to prove durability.
 */
export type ContractStoreFactory = (opts?: StoreOptions & { reuse?: ReportStore }) => Promise<ReportStore>;

export const WG = 'wgpolicyk8s.io';
export const POLR: CollectionRef = { group: WG, resource: 'policyreports' };
export const CPOLR: CollectionRef = { group: WG, resource: 'clusterpolicyreports' };
export const OR_REPORTS: CollectionRef = { group: 'openreports.io', resource: 'reports' };

export function polrKey(namespace: string, name: string): ObjectKey {
  return { group: WG, resource: 'policyreports', namespace, name };
}

const POLICIES = [
  'disallow-capabilities', 'disallow-host-namespaces', 'disallow-host-path', 'disallow-host-ports', 'disallow-host-process',
  'disallow-privileged-containers', 'disallow-proc-mount', 'disallow-selinux', 'restrict-apparmor-profiles', 'restrict-seccomp',
  'restrict-sysctls', 'disallow-capabilities-strict', 'disallow-privilege-escalation', 'require-run-as-nonroot',
  'restrict-seccomp-strict', 'restrict-volume-types', 'require-run-as-non-root-user',
];

export function makeResults(seed: number, count = POLICIES.length): ReportResult[] {
  return Array.from({ length: count }, (_, i) => {
    const policy = POLICIES[i % POLICIES.length]!;
    const result = (seed + i) % 5 === 0 ? 'fail' as const : 'pass' as const;
    return {
      policy, rule: `${policy}-rule`, result, scored: true, severity: i % 2 ? 'high' as const : 'medium' as const,
      category: 'Pod Security Standards (Baseline)', source: 'kyverno',
      message: result === 'pass' ? `validation rule '${policy}' passed.` : `validation error: ${policy} failed`,
      timestamp: { seconds: 1763800000 + seed, nanos: 0 }, properties: { process: 'background scan' },
    };
  });
}

export interface ReportSpec {
  namespace?: string;
  name?: string;
  labels?: Record<string, string>;
  seed?: number;
  scopeKind?: string;
  source?: string;
  finalizers?: string[];
  results?: ReportResult[];
  generateName?: string;
  apiVersion?: string;
  kind?: string;
}

/** A PolicyReport in hub form (wgpolicyk8s.io/v1beta1) with 17 results. */
export function makeReport(spec: ReportSpec = {}): ReportObject {
  const seed = spec.seed ?? 1;
  const ns = spec.namespace ?? 'team-1';
  const rname = `app-${seed}`;
  const uid = `00000000-0000-4000-8000-${String(seed).padStart(12, '0')}`;
  const results = spec.results ?? makeResults(seed);
  const summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) if (r.result) summary[r.result]++;
  const report: ReportObject = {
    apiVersion: spec.apiVersion ?? 'wgpolicyk8s.io/v1beta1',
    kind: spec.kind ?? 'PolicyReport',
    metadata: {
      ...(spec.name !== undefined ? { name: spec.name } : {}),
      ...(spec.generateName !== undefined ? { generateName: spec.generateName } : {}),
      ...(ns ? { namespace: ns } : {}),
      labels: spec.labels ?? { 'app.kubernetes.io/managed-by': 'kyverno' },
      ...(spec.finalizers ? { finalizers: spec.finalizers } : {}),
    },
    scope: { apiVersion: 'v1', kind: spec.scopeKind ?? 'Pod', name: rname, namespace: ns || undefined, uid },
    summary,
    results,
  };
  if (spec.source !== undefined) report.source = spec.source;
  return report;
}

/** Creates `name` in `namespace` with makeReport(spec). */
export function createReport(store: ReportStore, namespace: string, name: string, spec: ReportSpec = {}): Promise<ReportObject> {
  return store.create(polrKey(namespace, name), makeReport({ ...spec, namespace, name }));
}

export const names = (items: ReportObject[]): string[] => items.map((i) => `${i.metadata.namespace ?? ''}/${i.metadata.name}`);

interface Reader {
  it: AsyncIterator<WatchEvent>;
  pending?: Promise<IteratorResult<WatchEvent>>;
}
const readers = new WeakMap<Watch, Reader>();

/** Next event of `w` within `ms`: the event, 'end' when the watch ended, or 'timeout' (the read stays pending for the next call). */
export async function nextEvent(w: Watch, ms: number): Promise<WatchEvent | 'end' | 'timeout'> {
  let r = readers.get(w);
  if (!r) { r = { it: w.events[Symbol.asyncIterator]() }; readers.set(w, r); }
  const reader = r;
  reader.pending ??= reader.it.next();
  let timer: NodeJS.Timeout | undefined;
  const res = await Promise.race([reader.pending, new Promise<'timeout'>((ok) => { timer = setTimeout(() => ok('timeout'), ms); })]);
  clearTimeout(timer);
  if (res === 'timeout') return 'timeout';
  reader.pending = undefined;
  return res.done ? 'end' : res.value;
}

/** Reads `n` events from a watch, failing after `ms`. */
export async function takeEvents(w: Watch, n: number, ms = 5000): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const deadline = Date.now() + ms;
  while (out.length < n) {
    const ev = await nextEvent(w, Math.max(0, deadline - Date.now()));
    if (ev === 'timeout' || ev === 'end') {
      throw new Error(`watch ${ev === 'end' ? 'ended' : 'timed out'} after ${out.length}/${n} events, last: ${JSON.stringify(out.slice(-10).map(describe))}`);
    }
    out.push(ev);
  }
  return out;
}

/** Resolves true if the watch ends within `ms` (events before the end are discarded). */
export async function endsWithin(w: Watch, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ev = await nextEvent(w, Math.max(0, deadline - Date.now()));
    if (ev === 'end') return true;
    if (ev === 'timeout') return false;
  }
}

/** Every event that arrives within `ms`. */
export async function eventsWithin(w: Watch, ms: number): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const deadline = Date.now() + ms;
  for (;;) {
    const ev = await nextEvent(w, Math.max(0, deadline - Date.now()));
    if (ev === 'end' || ev === 'timeout') return out;
    out.push(ev);
  }
}

export function describe(e: WatchEvent): string {
  return `${e.type} ${e.object.metadata.namespace ?? ''}/${e.object.metadata.name ?? ''}@${e.object.metadata.resourceVersion}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

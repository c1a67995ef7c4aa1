/**
 * Test support for the pipeline: hub-shaped reports written straight into a real store, and
 * waiting on outbox contents.
 */
import { decodeReport, findResource, NotFoundError, type ReportObject, type ReportResult } from '@docket/model';
import type { DeliveryStore, Delivery, ObjectKey, ReportStore } from '@docket/store';

export type ResultSpec = Partial<ReportResult> & { policy: string };

/** A wgpolicyk8s.io/v1alpha2 PolicyReport body (wire shape). */
export function polrBody(namespace: string, name: string, results: ResultSpec[], labels?: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport',
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    results: results.map((r) => ({ result: 'fail', source: 'test', ...r })),
  };
}

const POLR = findResource('wgpolicyk8s.io', 'v1alpha2', 'policyreports')!;

/** Creates or replaces a PolicyReport in the store (hub version), like the API server would. */
export async function putReport(store: ReportStore, namespace: string, name: string, results: ResultSpec[], labels?: Record<string, string>): Promise<ReportObject> {
  const { object } = decodeReport(polrBody(namespace, name, results, labels), { resource: POLR, version: 'v1alpha2' }, { fieldValidation: 'Strict' });
  const key: ObjectKey = { group: 'wgpolicyk8s.io', resource: 'policyreports', namespace, name };
  try {
    return await store.update(key, object);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    return store.create(key, object);
  }
}

export async function deleteReport(store: ReportStore, namespace: string, name: string): Promise<void> {
  await store.delete({ group: 'wgpolicyk8s.io', resource: 'policyreports', namespace, name });
}

/** Every outbox row (all states). */
export async function allDeliveries(outbox: DeliveryStore, target?: string): Promise<Delivery[]> {
  const out: Delivery[] = [];
  let token: string | undefined;
  do {
    const page = await outbox.list({ limit: 1000, ...(target ? { target } : {}), ...(token ? { continue: token } : {}) });
    out.push(...page.items);
    token = page.continue;
  } while (token);
  return out;
}

/** Polls `check` until it returns true (bounded). */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Policy names of the results of a target's rows, sorted. */
export function policiesOf(rows: readonly Delivery[]): string[] {
  return rows.map((d) => {
    const p = d.payload as { result: { policy: string }; fixed?: boolean };
    return p.fixed ? `${p.result.policy}(fixed)` : p.result.policy;
  }).sort();
}

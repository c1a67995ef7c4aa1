/** Shared test setup: a real SQLite store (in memory) behind the real API server. */
import type { FastifyInstance } from 'fastify';
import { openStore } from '@docket/store';
import type { ReportStore } from '@docket/store';
import { buildApiServer } from '../src/index.ts';

export interface TestServer {
  app: FastifyInstance;
  store: ReportStore;
  close(): Promise<void>;
}

export async function startServer(opts: { maxBodyBytes?: number; store?: ReportStore; clock?: () => Date } = {}): Promise<TestServer> {
  const store = opts.store ?? await openStore('sqlite::memory:', {});
  const app = buildApiServer({ store, ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}), ...(opts.clock ? { clock: opts.clock } : {}) });
  await app.ready();
  return { app, store, close: async () => { await app.close(); await store.close(); } };
}

export const POLR = '/apis/wgpolicyk8s.io/v1alpha2/namespaces/default/policyreports';
export const CPOLR = '/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports';

/** A valid wgpolicyk8s.io/v1alpha2 PolicyReport with one failing and one passing result. */
export function report(name: string, extra: { namespace?: string; labels?: Record<string, string>; kind?: string; apiVersion?: string } = {}): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name };
  if (extra.namespace !== '') metadata['namespace'] = extra.namespace ?? 'default';
  if (extra.labels) metadata['labels'] = extra.labels;
  return {
    apiVersion: extra.apiVersion ?? 'wgpolicyk8s.io/v1alpha2',
    kind: extra.kind ?? 'PolicyReport',
    metadata,
    scope: { apiVersion: 'v1', kind: 'Pod', name: `pod-${name}`, namespace: 'default' },
    // Deliberately wrong: the server must recompute it from results.
    summary: { pass: 7, fail: 0 },
    results: [
      { policy: 'require-labels', rule: 'check-team', result: 'fail', severity: 'high', message: 'label team is required', source: 'kyverno',
        timestamp: { seconds: 1700000000, nanos: 0 } },
      { policy: 'disallow-latest', rule: 'check-tag', result: 'pass', message: 'ok', source: 'kyverno', timestamp: { seconds: 1700000000, nanos: 0 } },
    ],
  };
}

export function json(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>;
}

export async function create(app: FastifyInstance, body: Record<string, unknown>, url = POLR): Promise<Record<string, unknown>> {
  const res = await app.inject({ method: 'POST', url, payload: body });
  if (res.statusCode !== 201) throw new Error(`create failed ${res.statusCode}: ${res.body}`);
  return json(res.body);
}

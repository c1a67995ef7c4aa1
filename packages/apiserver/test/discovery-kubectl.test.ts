// The protocol documents checked against the real kubectl, served by a throw-away fastify app
// that routes nothing but discovery, OpenAPI, /version and one Table list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ReportObject } from '@docket/model';
import {
  apiGroup, apiGroupDiscoveryList, apiGroupList, apiResourceList, discoveryContentType, negotiateDiscovery,
} from '../src/discovery.ts';
import { coreAggregatedDiscovery, coreApiVersions, coreV1ResourceList } from '../src/core-v1.ts';
import { buildOpenApiV3All, buildOpenApiV3Index } from '../src/openapi.ts';
import { toTable } from '../src/table.ts';
import { versionInfo } from '../src/version.ts';

let app: FastifyInstance;
let url: string;
let cacheRoot: string;
let aggregated = true;
const requests: string[] = [];

const report = (name: string, namespace: string): ReportObject => ({
  apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport',
  metadata: { name, namespace, uid: `u-${name}`, resourceVersion: '3', creationTimestamp: new Date(Date.now() - 3 * 3600_000).toISOString() },
  scope: { kind: 'Deployment', name: `${name}-app` }, summary: { pass: 4, fail: 1, warn: 0, error: 0, skip: 2 },
});
const ITEMS = [report('alpha', 'default'), report('beta', 'team-b')];

before(async () => {
  cacheRoot = mkdtempSync(join(tmpdir(), 'docket-kubectl-proto-'));
  const docs = buildOpenApiV3All();
  app = Fastify();
  app.addHook('onRequest', async (req) => { requests.push(`${req.method} ${req.url.split('?')[0]}`); });
  const send = (reply: import('fastify').FastifyReply, body: unknown, type = 'application/json') =>
    reply.header('Content-Type', type).send(Buffer.from(JSON.stringify(body)));
  const discovery = (core: boolean) => async (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    const f = aggregated ? negotiateDiscovery(req.headers.accept) : 'legacy';
    if (f === 'legacy') return send(reply, core ? coreApiVersions() : apiGroupList());
    return send(reply, core ? coreAggregatedDiscovery(f) : apiGroupDiscoveryList(f), discoveryContentType(f));
  };
  app.get('/version', async (_q, r) => send(r, versionInfo()));
  app.get('/api', discovery(true));
  app.get('/apis', discovery(false));
  app.get('/api/v1', async (_q, r) => send(r, coreV1ResourceList()));
  app.get<{ Params: { g: string } }>('/apis/:g', async (q, r) => send(r.code(apiGroup(q.params.g) ? 200 : 404), apiGroup(q.params.g) ?? {}));
  app.get<{ Params: { g: string; v: string } }>('/apis/:g/:v', async (q, r) => {
    const doc = apiResourceList(q.params.g, q.params.v);
    return send(r.code(doc ? 200 : 404), doc ?? {});
  });
  app.get('/openapi/v3', async (_q, r) => send(r, buildOpenApiV3Index(docs)));
  app.get<{ Params: { g: string; v: string } }>('/openapi/v3/apis/:g/:v', async (q, r) => send(r, docs.get(`${q.params.g}/${q.params.v}`)));
  const list = async (req: import('fastify').FastifyRequest<{ Params: { ns?: string } }>, reply: import('fastify').FastifyReply) => {
    assert.match(req.headers.accept ?? '', /as=Table;v=v1;g=meta.k8s.io/);
    const items = ITEMS.filter((i) => !req.params.ns || i.metadata.namespace === req.params.ns);
    return send(reply, toTable(items, { resourceVersion: '3' }, { now: new Date() }));
  };
  app.get('/apis/wgpolicyk8s.io/v1alpha2/namespaces/:ns/policyreports', list);
  app.get('/apis/wgpolicyk8s.io/v1alpha2/policyreports', list);
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
after(async () => { await app.close(); rmSync(cacheRoot, { recursive: true, force: true }); });

let n = 0;
function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // A fresh cache per call: kubectl caches discovery per host:port.
  const cache = join(cacheRoot, String(n++));
  return new Promise((resolve) => {
    execFile('/usr/bin/kubectl', ['--server', url, '--cache-dir', cache, '--request-timeout', '20s', ...args], { timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}
const words = (line: string | undefined) => (line ?? '').trim().split(/\s+/);

test('kubectl api-resources reads aggregated discovery (and the legacy documents)', async () => {
  for (const mode of [true, false]) {
    aggregated = mode;
    requests.length = 0;
    const r = await kubectl('api-resources', '--no-headers');
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map(words).map((w) => w.join(' ')).sort();
    assert.deepEqual(rows, [
      'clusterpolicyreports cpolr wgpolicyk8s.io/v1alpha2 false ClusterPolicyReport',
      'clusterpolicyreports reports.x-k8s.io/v1beta2 false ClusterPolicyReport',
      'clusterreports creps openreports.io/v1alpha1 false ClusterReport',
      'namespaces ns v1 false Namespace',
      'policyreports polr wgpolicyk8s.io/v1alpha2 true PolicyReport',
      'policyreports reports.x-k8s.io/v1beta2 true PolicyReport',
      'reports reps openreports.io/v1alpha1 true Report',
    ], `aggregated=${mode}`);
    // Legacy discovery makes kubectl fetch each group-version's resource list; aggregated needs none.
    assert.equal(requests.includes('GET /apis/wgpolicyk8s.io/v1alpha2'), !mode, requests.join('\n'));
  }
  aggregated = true;
});

test('kubectl get prints the CRD printer columns; -o wide adds Kind/Name; -A adds NAMESPACE', async () => {
  const plain = await kubectl('get', 'polr', '-n', 'default');
  assert.equal(plain.code, 0, plain.stderr);
  const [head, row] = plain.stdout.trim().split('\n');
  assert.deepEqual(words(head), ['NAME', 'PASS', 'FAIL', 'WARN', 'ERROR', 'SKIP', 'AGE']);
  assert.deepEqual(words(row).slice(0, 6), ['alpha', '4', '1', '0', '0', '2']);
  assert.equal(words(row)[6], '3h', 'AGE is the age, not the timestamp');
  const wide = await kubectl('get', 'policyreports.wgpolicyk8s.io', '-n', 'default', '-o', 'wide');
  assert.deepEqual(words(wide.stdout.split('\n')[0]), ['NAME', 'KIND', 'NAME', 'PASS', 'FAIL', 'WARN', 'ERROR', 'SKIP', 'AGE']);
  assert.deepEqual(words(wide.stdout.split('\n')[1]).slice(0, 3), ['alpha', 'Deployment', 'alpha-app']);
  const all = await kubectl('get', 'polr', '-A');
  const lines = all.stdout.trim().split('\n');
  assert.deepEqual(words(lines[0]), ['NAMESPACE', 'NAME', 'PASS', 'FAIL', 'WARN', 'ERROR', 'SKIP', 'AGE']);
  assert.deepEqual(lines.slice(1).map((l) => words(l).slice(0, 2).join('/')), ['default/alpha', 'team-b/beta']);
});

test('kubectl explain reads the OpenAPI v3 document of the group-version', async () => {
  const r = await kubectl('explain', '--api-version=wgpolicyk8s.io/v1alpha2', 'policyreports.metadata');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /KIND:\s+PolicyReport/);
  assert.match(r.stdout, /VERSION:\s+v1alpha2/);
  assert.match(r.stdout, /ownerReferences\s+<\[\]OwnerReference>/);
  const scope = await kubectl('explain', 'clusterreports.results');
  assert.equal(scope.code, 0, scope.stderr);
  assert.match(scope.stdout, /KIND:\s+ClusterReport/);
  assert.match(scope.stdout, /policy\s+<string> -required-/);
  assert.ok(requests.some((x) => x === 'GET /openapi/v3/apis/openreports.io/v1alpha1'), requests.join('\n'));
});

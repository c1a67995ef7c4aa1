import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  createFalcoSource, falcoConfigSchema, falcoResult, falcoSeverity, FALCO_PRIORITIES, handleFalcoBody, stableResultId,
  type MappedResult, type Skip,
} from '../src/index.ts';
import { createTestPki } from './support/certs.ts';
import { assertDecodes } from './support/decode.ts';
import { fixture } from './support/fixtures.ts';
import { testLogger } from './support/grpc-servers.ts';

const config = falcoConfigSchema.parse({ minimumPriority: 'informational' });
const events = fixture('falco-events.json') as unknown[];

function expected(key: object, id: string, source: string, rule: string, rest: Record<string, unknown>, properties: Record<string, string>): MappedResult {
  const resultId = stableResultId('falco', id, source, rule);
  return { reportKey: key, resultId, result: { source: 'Falco', policy: rule, category: source, scored: true, ...rest, properties: { ...properties, resultID: resultId } } } as MappedResult;
}

test('maps container, host and Kubernetes audit events to pod, node and resource reports', () => {
  const out = handleFalcoBody(events, config);
  assert.deepEqual(out, [
    expected({ producer: 'falco', namespace: 'shop', scope: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-7d9c8-abcde' } },
      'shop/Pod/web-7d9c8-abcde', 'syscall', 'Terminal shell in container', {
        message: (events[0] as { output: string }).output, severity: 'low', result: 'skip', timestamp: { seconds: 1795341601, nanos: 123456789 },
      }, {
        'container.id': '3f2a', 'container.name': 'web', 'evt.time': '1795341601123456800', 'k8s.ns.name': 'shop', 'k8s.pod.name': 'web-7d9c8-abcde',
        'proc.cmdline': 'bash', 'proc.exepath': '/usr/bin/bash', 'proc.tty': '34816', 'user.loginuid': '-1', 'user.name': 'root',
        priority: 'notice', tags: 'T1059,container,maturity_stable,mitre_execution,shell', hostname: 'kind-worker',
      }),
    expected({ producer: 'falco', scope: { apiVersion: 'v1', kind: 'Node', name: 'kind-control-plane' } }, '/Node/kind-control-plane', 'syscall', 'Read sensitive file untrusted', {
      message: (events[1] as { output: string }).output, severity: 'critical', result: 'fail', timestamp: { seconds: 1795341602, nanos: 0 },
    }, {
      'container.id': 'host', 'fd.name': '/etc/shadow', 'proc.name': 'cat', 'user.name': 'root',
      priority: 'critical', tags: 'filesystem,mitre_credential_access', hostname: 'kind-control-plane',
    }),
    expected({ producer: 'falco', namespace: 'data', scope: { apiVersion: 'v1', kind: 'Pod', namespace: 'data', name: 'db-0' } }, 'data/Pod/db-0', 'k8saudit', 'Attach/Exec Pod', {
      message: (events[2] as { output: string }).output, severity: 'medium', result: 'warn', timestamp: { seconds: 1795341603, nanos: 500_000_000 },
    }, {
      'ka.user.name': 'admin', 'ka.target.resource': 'pods', 'ka.target.name': 'db-0', 'ka.target.namespace': 'data', 'ka.uri.param[command]': 'psql',
      priority: 'warning', tags: 'k8s', hostname: 'falco-k8saudit-0',
    }),
    expected({ producer: 'falco', scope: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'dev-admin' } }, '/ClusterRoleBinding/dev-admin', 'k8saudit', 'Attach to cluster-admin Role', {
      message: (events[3] as { output: string }).output, severity: 'high', result: 'fail', timestamp: { seconds: 1795341604, nanos: 0 },
    }, {
      'ka.user.name': 'dev', 'ka.target.resource': 'clusterrolebindings', 'ka.target.name': 'dev-admin', priority: 'error', hostname: 'falco-k8saudit-0',
    }),
    { skip: 'priority debug below informational' },
    { skip: 'malformed: event without rule', malformed: true },
  ]);
  assertDecodes(out.slice(0, 4) as MappedResult[]);
});

test('priority → severity and result as documented (≤ notice skip, warning warn, ≥ error fail)', () => {
  assert.deepEqual(FALCO_PRIORITIES.map((p) => [falcoSeverity(p), falcoResult(p)]), [
    ['info', 'skip'], ['info', 'skip'], ['low', 'skip'], ['medium', 'warn'], ['high', 'fail'], ['critical', 'fail'], ['critical', 'fail'], ['critical', 'fail'],
  ]);
  assert.deepEqual(handleFalcoBody({ rule: 'r', priority: 'Loud', time: '2026-11-22T10:00:00Z' }, config), [{ skip: 'malformed: unknown priority', malformed: true }]);
  assert.deepEqual(handleFalcoBody({ rule: 'r', priority: 'Error', time: 'now' }, config), [{ skip: 'malformed: event time missing or invalid', malformed: true }]);
});

test('HTTP endpoint on a real socket: http_output and falcosidekick bodies, bad JSON answered 400 and counted', { timeout: 10_000 }, async () => {
  const results: MappedResult[] = [];
  const skips: Skip[] = [];
  const controller = new AbortController();
  let port = 0;
  let running: Promise<void> | undefined;
  await new Promise<void>((resolve) => {
    running = createFalcoSource(falcoConfigSchema.parse({ port: 0, path: '/falco', minimumPriority: 'informational', maxBodyBytes: 4096 }), { logger: testLogger().logger, now: Date.now }, (p) => { port = p; resolve(); })
      .run({ onResult: (m) => results.push(m), onSkip: (s) => skips.push(s) }, controller.signal);
  });
  try {
  const post = (body: string, path = '/falco') => fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const one = await post(JSON.stringify(events[0]));
  assert.equal(one.status, 200);
  assert.deepEqual(await one.json(), { status: 'ok', message: '1 accepted' });
  const batch = await post(JSON.stringify(events.slice(1)));
  assert.equal(batch.status, 200);
  assert.deepEqual(await batch.json(), { status: 'ok', message: '3 accepted' });
  const bad = await post('10:00:00 Notice plain text output');
  assert.equal(bad.status, 400);
  assert.equal((await post('{}', '/other')).status, 404);
  const huge = await post(JSON.stringify({ ...(events[0] as object), output: 'x'.repeat(8192) }));
  assert.equal(huge.status, 413);
  assert.equal((await fetch(`http://127.0.0.1:${port}/falco`)).status, 405);
  assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  } finally {
    controller.abort();
    await running;
  }
  assert.deepEqual(results.map((r) => r.result.policy), ['Terminal shell in container', 'Read sensitive file untrusted', 'Attach/Exec Pod', 'Attach to cluster-admin Role']);
  assert.deepEqual(skips.map((s) => s.skip), ['priority debug below informational', 'malformed: event without rule', 'malformed: body is not JSON']);
});

test('beyond loopback the endpoint needs TLS and authentication (config), and enforces the token and client certificates', { timeout: 20_000 }, async () => {
  const issues = falcoConfigSchema.safeParse({ host: '0.0.0.0' }).error?.issues.map((i) => i.path.join('.'));
  assert.deepEqual(issues, ['tls', 'tokenFile']);
  assert.ok(falcoConfigSchema.safeParse({ host: '0.0.0.0', tls: { certFile: 'c', keyFile: 'k', clientCaFile: 'ca' } }).success);

  const pki = createTestPki();
  const tokenFile = join(pki.dir, 'token');
  writeFileSync(tokenFile, 's3cret\n');
  /** One HTTPS POST with node:https (custom CA, optional client certificate). */
  const post = (port: number, headers: Record<string, string>, client = false) => new Promise<number>((resolve, reject) => {
    const req = httpsRequest({
      host: '127.0.0.1', port, path: '/', method: 'POST', ca: readFileSync(pki.caFile), servername: 'localhost',
      headers: { 'content-type': 'application/json', ...headers },
      ...(client ? { cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) } : {}),
    }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.end(JSON.stringify(events[0]));
  });
  const start = async (config: Record<string, unknown>) => {
    const controller = new AbortController();
    const results: MappedResult[] = [];
    let running: Promise<void> | undefined;
    const port = await new Promise<number>((resolve) => {
      running = createFalcoSource(falcoConfigSchema.parse({ port: 0, ...config }), { logger: testLogger().logger, now: Date.now }, resolve)
        .run({ onResult: (m) => results.push(m) }, controller.signal);
    });
    return { port, results, stop: async () => { controller.abort(); await running; } };
  };
  try {
    const withToken = await start({ tls: { certFile: pki.serverCert, keyFile: pki.serverKey }, tokenFile });
    try {
      assert.equal(await post(withToken.port, {}), 401);
      assert.equal(await post(withToken.port, { authorization: 'Bearer wrong' }), 401);
      assert.equal(await post(withToken.port, { authorization: 'Bearer s3cret' }), 200);
      assert.equal(withToken.results.length, 1);
    } finally {
      await withToken.stop();
    }
    const mtls = await start({ tls: { certFile: pki.serverCert, keyFile: pki.serverKey, clientCaFile: pki.caFile } });
    try {
      await assert.rejects(post(mtls.port, {}), 'a client without a certificate is refused in the handshake');
      assert.equal(await post(mtls.port, {}, true), 200);
    } finally {
      await mtls.stop();
    }
  } finally {
    pki.remove();
  }
});

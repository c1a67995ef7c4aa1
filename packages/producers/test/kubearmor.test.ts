import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import {
  createKubearmorSource, kubearmorConfigSchema, kubearmorSeverity, stableResultId, toKubearmorResult,
  type MappedResult, type Skip, type SourceState,
} from '../src/index.ts';
import { assertDecodes } from './support/decode.ts';
import { fixture } from './support/fixtures.ts';
import { createTestPki } from './support/certs.ts';
import { failStream, startServer, testLogger } from './support/grpc-servers.ts';

const config = kubearmorConfigSchema.parse({ address: 'kubearmor:32767', insecure: true });
const alerts = fixture('kubearmor-alerts.json') as Record<string, unknown>[];
const webPod = { producer: 'kubearmor', namespace: 'shop', scope: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-7d9c8-abcde' } };

function expected(key: object, id: string, policy: string, type: string, rule: string, action: string, rest: Record<string, unknown>, properties: Record<string, string>): MappedResult {
  const resultId = stableResultId('kubearmor', id, policy, type, rule, action);
  return { reportKey: key, resultId, result: { source: 'KubeArmor', policy, rule, category: type, scored: true, ...rest, properties: { resultID: resultId, action, ...properties } } } as MappedResult;
}

test('maps pod alerts, a host alert without pod and a posture alert; skips throttling notices and malformed alerts', () => {
  const out = alerts.map((a) => toKubearmorResult(a, config));
  assert.deepEqual(out, [
    expected(webPod, 'shop/web-7d9c8-abcde', 'block-pkg-mgmt', 'MatchedPolicy', 'Process /usr/bin/apt update', 'Block', {
      message: 'Package management is not allowed', severity: 'medium', result: 'fail', timestamp: { seconds: 1795341601, nanos: 654321000 },
    }, {
      enforcementResult: 'Permission denied', operation: 'Process', resource: '/usr/bin/apt update', process: '/usr/bin/apt',
      parentProcess: '/bin/bash', command: '/bin/bash -c apt update', cwd: '/', container: 'web', containerImage: 'docker.io/library/nginx:1.27',
      owner: 'Deployment/web', tags: 'NIST,CM-7', enforcer: 'AppArmor', node: 'kind-worker', cluster: 'default',
    }),
    expected(webPod, 'shop/web-7d9c8-abcde', 'audit-shadow', 'MatchedPolicy', 'File /etc/shadow', 'Audit', {
      message: 'Audit File /etc/shadow: Passed', severity: 'critical', result: 'warn', timestamp: { seconds: 1795341602, nanos: 1000 },
    }, {
      enforcementResult: 'Passed', operation: 'File', resource: '/etc/shadow', process: '/usr/bin/cat', parentProcess: '/bin/sh',
      command: '/usr/bin/cat /etc/shadow', container: 'web', enforcer: 'eBPF Monitor', node: 'kind-worker', cluster: 'default',
    }),
    expected({ producer: 'kubearmor', scope: { apiVersion: 'v1', kind: 'Node', name: 'kind-control-plane' } }, 'node/kind-control-plane', 'host-block-nc', 'MatchedHostPolicy', 'Process /usr/bin/nc -l 4444', 'Block', {
      message: 'netcat is not allowed on nodes', severity: 'high', result: 'fail', timestamp: { seconds: 1795341603, nanos: 500_000_000 },
    }, {
      enforcementResult: 'Permission denied', operation: 'Process', resource: '/usr/bin/nc -l 4444', process: '/usr/bin/nc',
      parentProcess: '/usr/bin/bash', command: '/usr/bin/bash', enforcer: 'BPFLSM', node: 'kind-control-plane', cluster: 'default', user: 'root',
    }),
    expected(webPod, 'shop/web-7d9c8-abcde', 'DefaultPosture', 'MatchedNetworkPolicy', 'Network domain=AF_INET type=SOCK_RAW protocol=1', 'Block', {
      message: 'Block Network domain=AF_INET type=SOCK_RAW protocol=1: Permission denied', severity: 'medium', result: 'fail', timestamp: { seconds: 1795341604, nanos: 0 },
    }, {
      enforcementResult: 'Permission denied', operation: 'Network', resource: 'domain=AF_INET type=SOCK_RAW protocol=1',
      command: '/usr/bin/ping', container: 'web', node: 'kind-worker',
    }),
    { skip: 'alert throttling notice' },
    { skip: 'malformed: alert time missing or invalid', malformed: true },
  ]);
  assertDecodes(out.slice(0, 4) as MappedResult[]);
});

test('severity 1..10 maps monotonically (the publisher had 5-6 below 3-4); a decreasing table is rejected', () => {
  assert.deepEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '', '0', '11', 'x'].map((s) => kubearmorSeverity(s, config)),
    ['info', 'info', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical', 'medium', 'medium', 'medium', 'medium']);
  const bad = ['info', 'medium', 'low', 'low', 'low', 'high', 'high', 'high', 'high', 'critical'];
  assert.equal(kubearmorConfigSchema.safeParse({ address: 'a:1', insecure: true, severities: bad }).success, false);
  assert.equal(kubearmorConfigSchema.parse({ address: 'a:1', insecure: true }).filter, 'policy');
});

test('WatchAlerts over a real socket: filter "policy", reconnect after the stream drops, malformed alerts counted not thrown', { timeout: 10_000 }, async () => {
  const requests: unknown[] = [];
  const toProto = (a: Record<string, unknown>) => ({ ...a, Timestamp: String(a.Timestamp) });
  const server = await startServer('kubearmor', (call) => {
    requests.push(call.request);
    if (requests.length === 1) {
      call.write(toProto(alerts[0]!));
      call.write({ Timestamp: '0', UpdatedTime: 'garbage', PolicyName: 'p', NamespaceName: 'shop', PodName: 'x' });
      setTimeout(() => failStream(call), 10);
    } else {
      for (const a of alerts.slice(1, 4)) call.write(toProto(a));
    }
  });
  const results: MappedResult[] = [];
  const skips: Skip[] = [];
  const states: SourceState[] = [];
  const controller = new AbortController();
  const cfg = kubearmorConfigSchema.parse({ address: `127.0.0.1:${server.port}`, insecure: true, backoff: { initialMs: 20 } });
  await createKubearmorSource(cfg, { logger: testLogger().logger, now: Date.now }).run({
    onResult: (m) => { results.push(m); if (results.length === 4) controller.abort(); },
    onSkip: (s) => skips.push(s),
    onState: (s) => states.push(s),
  }, controller.signal);
  await server.close();
  assert.deepEqual(requests, [{ Filter: 'policy' }, { Filter: 'policy' }]);
  assert.deepEqual(results.map((r) => r.result.policy), ['block-pkg-mgmt', 'audit-shadow', 'host-block-nc', 'DefaultPosture']);
  // The proto path yields the same results as the JSON path.
  assert.deepEqual(results[2], toKubearmorResult(alerts[2], config));
  assert.deepEqual(skips, [{ skip: 'malformed: alert time missing or invalid', malformed: true }]);
  assert.ok(states.includes('backoff'));
});

test('WatchAlerts over mutual TLS (the publisher could only speak plaintext to KubeArmor)', { timeout: 10_000 }, async () => {
  const pki = createTestPki();
  try {
    const creds = grpc.ServerCredentials.createSsl(readFileSync(pki.caFile), [
      { private_key: readFileSync(pki.serverKey), cert_chain: readFileSync(pki.serverCert) },
    ], true);
    const server = await startServer('kubearmor', (call) => call.write({ ...alerts[2], Timestamp: String(alerts[2]!.Timestamp) }), creds);
    const results: MappedResult[] = [];
    const controller = new AbortController();
    const cfg = kubearmorConfigSchema.parse({
      address: `127.0.0.1:${server.port}`, tls: { caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey, serverName: 'localhost' },
    });
    await createKubearmorSource(cfg, { logger: testLogger().logger, now: Date.now })
      .run({ onResult: (m) => { results.push(m); controller.abort(); } }, controller.signal);
    await server.close();
    assert.deepEqual(results, [toKubearmorResult(alerts[2], config)]);
  } finally {
    pki.remove();
  }
});

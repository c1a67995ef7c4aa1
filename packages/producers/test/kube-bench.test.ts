import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import {
  kubeBenchConfigSchema, kubeBenchProducer, stableResultId, toKubeBenchResults, type MappedResult, type ReportKey, type Skip,
} from '../src/index.ts';
import { assertDecodes } from './support/decode.ts';
import { fixture } from './support/fixtures.ts';
import { testLogger } from './support/grpc-servers.ts';

const scanTime = { seconds: 1795341700, nanos: 250 };
const master: ReportKey = { producer: 'kube-bench', name: 'kube-bench-master' };
const node: ReportKey = { producer: 'kube-bench', name: 'kube-bench-node' };

function check(key: ReportKey, nodeType: string, number: string, fields: Record<string, unknown>, properties: Record<string, string>): MappedResult {
  const resultId = stableResultId('kube-bench', '', nodeType, number);
  return {
    reportKey: key, resultId,
    result: { source: 'Kube Bench', ...fields, timestamp: scanTime, properties: { resultID: resultId, testNumber: number, nodeType, benchmark: 'cis-1.9', ...properties } },
  } as unknown as MappedResult;
}

test('kube-bench --json: one result per check, INFO → skip (not the invalid "info"), scored kept, scan time', () => {
  const out = toKubeBenchResults(fixture('kube-bench.json'), kubeBenchConfigSchema.parse({}), scanTime);
  const cp = 'Control Plane Security Configuration';
  assert.deepEqual(out, [
    check(master, 'master', '1.1.1', {
      policy: '1.1 Control Plane Node Configuration Files', rule: '1.1.1 Ensure that the API server pod specification file permissions are set to 600 or more restrictive (Automated)',
      category: cp, message: 'Run chmod 600 /etc/kubernetes/manifests/kube-apiserver.yaml on the control plane node.', result: 'pass', scored: true,
    }, { audit: 'stat -c %a /etc/kubernetes/manifests/kube-apiserver.yaml', actualValue: '600', expectedResult: 'permissions has permissions 600, expected 600 or more restrictive' }),
    check(master, 'master', '1.1.12', {
      policy: '1.1 Control Plane Node Configuration Files', rule: '1.1.12 Ensure that the etcd data directory ownership is set to etcd:etcd (Automated)',
      category: cp, message: 'chown etcd:etcd /var/lib/etcd', result: 'fail', scored: true,
    }, { audit: 'stat -c %U:%G /var/lib/etcd', actualValue: 'root:root', expectedResult: "'root:root' is present" }),
    check(master, 'master', '1.2.1', {
      policy: '1.2 API Server', rule: '1.2.1 Ensure that the --anonymous-auth argument is set to false (Manual)',
      category: cp, message: 'Set --anonymous-auth=false on the API server.', result: 'warn', scored: false,
    }, { type: 'manual', audit: 'ps -ef | grep kube-apiserver' }),
    check(master, 'master', '1.2.2', {
      policy: '1.2 API Server', rule: '1.2.2 Ensure that the --token-auth-file parameter is not set (Automated)',
      category: cp, message: 'Ensure that the --token-auth-file parameter is not set (Automated)', result: 'skip', scored: true,
    }, { type: 'skip', reason: 'Test marked as skip' }),
    check(node, 'node', '4.2.1', {
      policy: '4.2 Kubelet', rule: '4.2.1 Ensure that the --anonymous-auth argument is set to false (Automated)', category: 'Worker Node Security Configuration',
      message: 'Set authentication: anonymous: enabled to false in the kubelet config file.', result: 'fail', scored: true,
    }, { audit: '/bin/ps -fC kubelet', actualValue: 'true', expectedResult: "'authentication.anonymous.enabled' is equal to 'false'" }),
    { skip: 'malformed: check without test_number or known status', malformed: true },
  ]);
  assertDecodes(out.filter((o): o is MappedResult => !('skip' in o)));
});

test('per-node reports with nodeName; older one-control-per-line output; not kube-bench JSON', async () => {
  const doc = fixture('kube-bench.json') as { Controls: unknown[] };
  const perNode = toKubeBenchResults(doc, kubeBenchConfigSchema.parse({ nodeName: 'worker-1' }), scanTime)[4] as MappedResult;
  assert.deepEqual(perNode.reportKey, { producer: 'kube-bench', name: 'kube-bench-worker-1-node', scope: { apiVersion: 'v1', kind: 'Node', name: 'worker-1' } });
  assert.equal(perNode.resultId, stableResultId('kube-bench', 'worker-1', 'node', '4.2.1'));
  assert.deepEqual(toKubeBenchResults({ hello: 1 }, kubeBenchConfigSchema.parse({}), scanTime), [{ skip: 'malformed: not kube-bench JSON (no Controls)', malformed: true }]);

  const lines = doc.Controls.map((c) => JSON.stringify(c)).join('\n');
  const results: MappedResult[] = [];
  const skips: Skip[] = [];
  await kubeBenchProducer.create(kubeBenchConfigSchema.parse({ files: ['-'] }), { logger: testLogger().logger, now: () => 1_795_341_700_000, stdin: Readable.from([lines]) })
    .run({ onResult: (m) => results.push(m), onSkip: (s) => skips.push(s) }, new AbortController().signal);
  assert.deepEqual(results.map((r) => r.result.properties?.testNumber), ['1.1.1', '1.1.12', '1.2.1', '1.2.2', '4.2.1']);
  assert.deepEqual(results[0]!.result.timestamp, { seconds: 1795341700, nanos: 0 });
  assert.equal(skips.length, 1);
});

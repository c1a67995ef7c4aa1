import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  backoffDelay, DEFAULT_BACKOFF, formatTimestamp, parseJsonDocuments, parseRfc3339, producerRegistry,
  reportKeyId, timestampOf, toTimestamp,
} from '../src/index.ts';

test('timestamps: nanos always in range, RFC 3339 with nine digits and offsets, proto and text forms', () => {
  assert.deepEqual(toTimestamp(10, 1_500_000_000), { seconds: 11, nanos: 500_000_000 });
  assert.deepEqual(toTimestamp('10', -1), { seconds: 9, nanos: 999_999_999 });
  assert.equal(toTimestamp(-1), undefined);
  assert.equal(toTimestamp(1.5), undefined);
  const cases: [string, { seconds: number; nanos: number } | undefined][] = [
    ['2026-11-22T10:00:01.123456789Z', { seconds: 1795341601, nanos: 123456789 }],
    ['2026-11-22T10:00:01.1234567891Z', { seconds: 1795341601, nanos: 123456789 }],
    ['2026-11-22T11:00:01.5+01:00', { seconds: 1795341601, nanos: 500_000_000 }],
    ['2026-11-22T05:30:01-0430', { seconds: 1795341601, nanos: 0 }],
    ['2026-11-22 10:00:01z', { seconds: 1795341601, nanos: 0 }],
    ['2026-11-22T10:00:01', undefined],
    ['yesterday', undefined],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseRfc3339(text), want, text);
  assert.deepEqual(timestampOf({ seconds: '1795341601', nanos: 5 }), { seconds: 1795341601, nanos: 5 });
  assert.equal(timestampOf({ seconds: '1', nanos: 1_000_000_000 }), undefined);
  assert.equal(timestampOf(null), undefined);
  assert.equal(formatTimestamp({ seconds: 1795341601, nanos: 120_000_000 }), '2026-11-22T10:00:01.12Z');
  assert.equal(formatTimestamp({ seconds: 1795341601, nanos: 0 }), '2026-11-22T10:00:01Z');
});

test('backoff grows exponentially to the cap with bounded jitter', () => {
  assert.deepEqual([0, 1, 2, 3, 10, 20].map((a) => backoffDelay(DEFAULT_BACKOFF, a, () => 0.5)), [500, 1000, 2000, 4000, 30_000, 30_000]);
  assert.equal(backoffDelay(DEFAULT_BACKOFF, 0, () => 0), 400);
  assert.equal(backoffDelay(DEFAULT_BACKOFF, 0, () => 0.999999), 600);
});

test('JSON documents and JSON lines; report key ids; the registry keys are the producer types', () => {
  assert.deepEqual(parseJsonDocuments('{"a":1}'), [{ a: 1 }]);
  assert.deepEqual(parseJsonDocuments('{"a":1}\n{"b":2}\n'), [{ a: 1 }, { b: 2 }]);
  assert.match(parseJsonDocuments('nope') as string, /^not JSON/);
  assert.notEqual(reportKeyId({ producer: 'x', namespace: 'a', name: 'b' }), reportKeyId({ producer: 'x', namespace: 'a/b' }));
  for (const [key, def] of Object.entries(producerRegistry)) assert.equal(def.type, key);
  assert.deepEqual(Object.keys(producerRegistry), ['hubble', 'kubearmor', 'falco', 'trivy', 'kube-bench', 'kyverno', 'trivy-operator']);
});

test('the publisher environment variables as that project reads them', async () => {
  const { fromPublisherEnv, hubbleConfigSchema, kubearmorConfigSchema } = await import('../src/index.ts');
  assert.deepEqual(fromPublisherEnv({}), { producers: {}, logReports: false });
  const env = fromPublisherEnv({
    HUBBLE_SERVICE: ' tls://hubble-relay.kube-system:443 ', HUBBLE_INSECURE: 'TRUE', KUBE_ARMOR_SERVICE: 'kubearmor.kubearmor:32767',
    LOG_REPORTS: 'true', LEADER_ELECTION_NAMESPACE: 'docket', HUBBLE_SERVICE_NAME: 'the README name, ignored',
  });
  assert.deepEqual(env, {
    producers: { hubble: { address: 'hubble-relay.kube-system:443', insecure: true }, kubearmor: { address: 'kubearmor.kubearmor:32767', insecure: true } },
    logReports: true, leaderElectionNamespace: 'docket',
  });
  assert.equal(hubbleConfigSchema.parse(env.producers.hubble).insecure, true);
  assert.equal(kubearmorConfigSchema.parse(env.producers.kubearmor).filter, 'policy');
  const tls = fromPublisherEnv({ HUBBLE_SERVICE: 'tls://relay:443', HUBBLE_INSECURE: '  ' });
  assert.deepEqual(tls.producers.hubble, { address: 'tls://relay:443', insecure: false });
  assert.equal(hubbleConfigSchema.safeParse(tls.producers.hubble).success, true);
});

test('reportName: fixed names kept, scoped names derived, odd or long names made valid and unique', async () => {
  const { reportName } = await import('../src/index.ts');
  assert.equal(reportName({ producer: 'kube-bench', name: 'kube-bench-master' }), 'kube-bench-master');
  assert.equal(reportName({ producer: 'hubble', namespace: 'shop', scope: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web-7d9c8-abcde' } }), 'hubble-pod-web-7d9c8-abcde');
  assert.equal(reportName({ producer: 'falco', scope: { kind: 'Node', name: 'kind-control-plane' } }), 'falco-node-kind-control-plane');
  assert.equal(reportName({ producer: 'hubble', name: 'hubble-cluster' }), 'hubble-cluster');
  const odd = reportName({ producer: 'trivy', scope: { kind: 'ClusterRole', name: 'system:controller:job' } });
  assert.match(odd, /^trivy-clusterrole-system-controller-job-[0-9a-f]{10}$/);
  assert.notEqual(odd, reportName({ producer: 'trivy', scope: { kind: 'ClusterRole', name: 'system-controller-job' } }));
  const long = reportName({ producer: 'trivy', scope: { kind: 'Pod', name: 'a'.repeat(300) } });
  assert.equal(long.length, 253);
  assert.match(long, /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hubbleConfigSchema, isSkip, stableResultId, toHubbleResult, type MappedResult } from '../src/index.ts';
import { assertDecodes } from './support/decode.ts';
import { fixtureLines } from './support/fixtures.ts';

const config = hubbleConfigSchema.parse({ address: 'relay:4245', insecure: true, labels: ['team'] });
const flows = fixtureLines('hubble-flows.jsonl').map((l) => (l as { flow: unknown }).flow);
const at = (iso: string, nanos = 0) => ({ seconds: Date.parse(iso) / 1000, nanos });
const pod = (namespace: string, name: string) => ({ producer: 'hubble', namespace, scope: { apiVersion: 'v1', kind: 'Pod', namespace, name } });
const base = { source: 'Cilium Hubble', severity: 'high', scored: true } as const;

function expected(key: object, subjectId: string, policy: string, rule: string, rest: Record<string, unknown>, properties: Record<string, string>): MappedResult {
  const resultId = stableResultId('hubble', subjectId, policy, rule, 'DROPPED');
  return { reportKey: key, resultId, result: { ...base, policy, rule, result: 'fail', ...rest, properties: { resultID: resultId, verdict: 'DROPPED', ...properties } } } as MappedResult;
}

test('maps the documented flow shapes: TCP by name, UDP/DNS to a pod, ICMPv6, denying policy, host source', () => {
  const out = flows.slice(0, 5).map((f) => toHubbleResult(f, config));
  assert.deepEqual(out, [
    expected(pod('shop', 'web-7d9c8-abcde'), 'shop/web-7d9c8-abcde', 'Egress Network Policy', 'github.com:443/TCP', {
      category: 'EGRESS', message: 'Dropped egress TCP to github.com:443: POLICY_DENIED', timestamp: at('2026-11-22T10:00:01Z', 123456789),
    }, { dropReason: 'POLICY_DENIED', protocol: 'TCP', port: '443', peerIP: '140.82.121.4', peerIdentity: 'reserved:world', workload: 'Deployment/web', node: 'kind-worker', team: 'payments' }),
    expected(pod('shop', 'web-7d9c8-abcde'), 'shop/web-7d9c8-abcde', 'Egress Network Policy', 'kube-system/coredns-5d78c9869d-x2x9q:53/UDP', {
      category: 'EGRESS', message: 'Dropped egress UDP to kube-system/coredns-5d78c9869d-x2x9q:53: POLICY_DENIED', timestamp: at('2026-11-22T10:00:02Z', 500_000_000),
    }, { dropReason: 'POLICY_DENIED', protocol: 'UDP', port: '53', peerIP: '10.0.0.10', peerNamespace: 'kube-system', peerPod: 'coredns-5d78c9869d-x2x9q', peerWorkload: 'Deployment/coredns', workload: 'Deployment/web', node: 'kind-worker', team: 'payments' }),
    expected(pod('shop', 'web-7d9c8-abcde'), 'shop/web-7d9c8-abcde', 'Egress Network Policy', '2001:db8::42/ICMPv6', {
      category: 'EGRESS', message: 'Dropped egress ICMPv6 to 2001:db8::42: POLICY_DENIED', timestamp: at('2026-11-22T10:00:03Z'),
    }, { dropReason: 'POLICY_DENIED', protocol: 'ICMPv6', icmpType: '128', icmpCode: '0', peerIP: '2001:db8::42', peerIdentity: 'reserved:world', node: 'kind-worker' }),
    expected(pod('billing', 'invoicer-0'), 'billing/invoicer-0', 'billing/deny-external', '203.0.113.7:8080/TCP', {
      category: 'EGRESS', message: 'Dropped egress TCP to 203.0.113.7:8080 by policy billing/deny-external: POLICY_DENY', timestamp: at('2026-11-22T10:00:04Z', 250),
    }, { dropReason: 'POLICY_DENY', protocol: 'TCP', port: '8080', peerIP: '203.0.113.7', peerIdentity: 'reserved:world', workload: 'StatefulSet/invoicer', node: 'kind-worker2', policyKind: 'CiliumNetworkPolicy' }),
    expected({ producer: 'hubble', scope: { apiVersion: 'v1', kind: 'Node', name: 'kind-worker' } }, 'node/kind-worker', 'Egress Network Policy', 'shop/web-7d9c8-abcde/ICMPv4', {
      category: 'EGRESS', message: 'Dropped egress ICMPv4 to shop/web-7d9c8-abcde: POLICY_DENIED', timestamp: at('2026-11-22T10:00:05Z'),
    }, { dropReason: 'POLICY_DENIED', protocol: 'ICMPv4', icmpType: '8', icmpCode: '0', peerIP: '10.0.1.15', peerNamespace: 'shop', peerPod: 'web-7d9c8-abcde', node: 'kind-worker' }),
  ]);
  assertDecodes(out as MappedResult[]);
  assert.equal(new Set(out.map((o) => (o as MappedResult).resultId)).size, 5);
});

test('forwarded flows, unselected directions and malformed flows are skipped with a reason', () => {
  assert.deepEqual(flows.slice(5).map((f) => toHubbleResult(f, config)), [
    { skip: 'verdict FORWARDED not selected' },
    { skip: 'direction INGRESS not selected' },
    { skip: 'malformed: flow time missing or invalid', malformed: true },
  ]);
  assert.deepEqual(toHubbleResult('not a flow', config), { skip: 'malformed: flow is not an object', malformed: true });
  assert.deepEqual(toHubbleResult({ time: { seconds: '1', nanos: 2_000_000_000 } }, config), { skip: 'malformed: flow time missing or invalid', malformed: true });
});

test('ingress drops (opt-in) report on the destination pod and name the cluster-wide policy', () => {
  const both = hubbleConfigSchema.parse({ address: 'relay:4245', insecure: true, labels: ['team'], directions: ['EGRESS', 'INGRESS'] });
  const out = toHubbleResult(flows[6], both);
  assert.deepEqual(out, expected(pod('shop', 'web-7d9c8-abcde'), 'shop/web-7d9c8-abcde', 'only-frontend', 'edge/gw-1 → 3868/SCTP', {
    category: 'INGRESS', message: 'Dropped ingress SCTP from edge/gw-1 to port 3868 by policy only-frontend: POLICY_DENY', timestamp: at('2026-11-22T10:00:07Z'),
  }, { dropReason: 'POLICY_DENY', protocol: 'SCTP', port: '3868', peerIP: '10.0.9.9', peerNamespace: 'edge', peerPod: 'gw-1', node: 'kind-worker', policyKind: 'CiliumClusterwideNetworkPolicy', team: 'payments' }));
  assertDecodes([out as MappedResult]);
});

test('audit verdicts warn, and proto-loader shaped flows map like their JSON form', () => {
  const audit = hubbleConfigSchema.parse({ address: 'relay:4245', insecure: true, verdicts: ['DROPPED', 'AUDIT'] });
  const protoShaped = {
    ...(flows[0] as object), verdict: 'AUDIT', time: { seconds: '1795082401', nanos: 7 },
    l4: { protocol: 'UDP', TCP: null, UDP: { source_port: 1, destination_port: 443 } }, destination_names: [],
  };
  const out = toHubbleResult(protoShaped, audit);
  assert.ok(!isSkip(out));
  assert.equal(out.result.result, 'warn');
  assert.equal(out.result.rule, '140.82.121.4:443/UDP');
  assert.equal(out.result.message, 'Would drop (audit mode) egress UDP to 140.82.121.4:443: POLICY_DENIED');
  assert.deepEqual(out.result.timestamp, { seconds: 1795082401, nanos: 7 });
  assert.notEqual(out.resultId, (toHubbleResult(flows[0], audit) as MappedResult).resultId);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config/index.ts';
import { planFromConfig } from '../src/pipeline/index.ts';

const ENV = { hostname: 'host-1', podName: 'docket-0', podNamespace: 'docket-system' };

test('config → pipeline plan: targets with channels, detection, sources, leader', async () => {
  const config = await loadConfig({ text: [
    'target:',
    '  webhook:',
    '    webhook: http://127.0.0.1:1/a',
    '    minimumSeverity: high',
    '    filter: { namespaces: { exclude: ["kube-*"] } }',
    '    channels:',
    '      - { name: ops, webhook: "http://127.0.0.1:1/b", skipExistingOnStartup: false }',
    '  alertManager:',
    '    host: http://127.0.0.1:9093',
    'reporter:',
    '  flapWindow: 1h',
    '  customIdFields: { trivy: [resource, policy] }',
    'reportFilter: { disableClusterReports: true, namespaces: { exclude: ["tmp-*"] } }',
    'sources:',
    '  kubernetes:',
    '    - { name: prod, server: "http://127.0.0.1:2", kinds: [PolicyReport, ClusterReport], labelSelector: "a=b" }',
    'leaderElection: { enabled: true, lockName: docket-rep }',
  ].join('\n') }, { env: {} });
  const plan = planFromConfig(config, ENV);
  assert.deepEqual(plan.targets.map((t) => [t.name, t.type, t.skipExistingOnStartup, t.resolvesFixed ?? false]), [
    ['Webhook', 'webhook', true, false], ['ops', 'webhook', false, false], ['AlertManager', 'alertmanager', true, true],
  ]);
  assert.equal(plan.targets[1]!.filter?.minimumSeverity, 'high', 'channels inherit the root minimumSeverity');
  assert.deepEqual(plan.targets[1]!.filter?.filter, { namespaces: { exclude: ['kube-*'] } }, 'and its filter');
  assert.equal(plan.detection.flapWindowMs, 3_600_000);
  assert.deepEqual(plan.detection.customIdFields, { trivy: ['resource.uid', 'resource.name', 'policy'] });
  assert.deepEqual(plan.feedResources.map((r) => r.resource).sort(), ['policyreports', 'policyreports', 'reports'], 'cluster reports disabled');
  assert.equal(plan.sources.length, 1);
  const s = plan.sources[0]!;
  assert.equal(s.clusterId, 'prod');
  assert.deepEqual(s.connection, { server: 'http://127.0.0.1:2' });
  assert.deepEqual(s.resources.map((r) => r.plural), ['policyreports'], 'ClusterReport dropped by disableClusterReports');
  assert.deepEqual(s.namespaces, { exclude: ['tmp-*'] }, 'reportFilter namespaces apply to the source');
  assert.equal(s.labelSelector, 'a=b');
  assert.deepEqual(plan.reportNamespaces, { exclude: ['tmp-*'] }, 'and to the store feed');
  assert.deepEqual(plan.leader, {
    leaseSource: 'prod',
    lease: { namespace: 'docket-system', name: 'docket-rep', identity: 'docket-0', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, releaseOnStop: true },
  });
});

test('config → plan without sources: no Lease even when leader election is enabled', async () => {
  const config = await loadConfig({ text: 'leaderElection: { enabled: true }\n' }, { env: {} });
  const plan = planFromConfig(config, { hostname: 'h' });
  assert.deepEqual(plan.leader, {});
  assert.equal(plan.feedResources.length, 6);
  assert.deepEqual(plan.targets, []);
});

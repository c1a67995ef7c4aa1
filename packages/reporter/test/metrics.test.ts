import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { ReportObject, ReportResult } from '@docket/model';
import { createReporterMetrics, metricsHandler, type ReporterMetrics } from '../src/metrics/index.ts';
import type { MetricsConfig } from '../src/config/index.ts';

function report(name: string, namespace: string | undefined, results: ReportResult[], extra: Partial<ReportObject> = {}): ReportObject {
  return {
    apiVersion: 'wgpolicyk8s.io/v1alpha2',
    kind: namespace ? 'PolicyReport' : 'ClusterPolicyReport',
    metadata: { name, ...(namespace ? { namespace } : {}), labels: { team: 'blue', 'app.kubernetes.io/name': 'shop' } },
    source: 'kyverno',
    results,
    ...extra,
  };
}

const pod = (name: string, namespace = 'shop') => [{ apiVersion: 'v1', kind: 'Pod', name, namespace, uid: `uid-${name}` }];
const r = (policy: string, status: ReportResult['result'], resource = 'web', more: Partial<ReportResult> = {}): ReportResult => ({
  policy, rule: `${policy}-rule`, result: status, severity: 'high', category: 'Pod Security', resources: pod(resource), ...more,
});

function metrics(config: Partial<MetricsConfig>): ReporterMetrics {
  return createReporterMetrics({ config: { enabled: true, mode: 'detailed', customLabels: [], ...config }, defaultMetrics: false });
}

/** Series of one metric as `label=value,… => value` strings, sorted. */
async function series(m: ReporterMetrics, name: string): Promise<string[]> {
  const metric = (await m.registry.getMetricsAsJSON()).find((x) => x.name === name);
  assert.ok(metric, `metric ${name} is registered`);
  return (metric.values as Array<{ labels: Record<string, string | number>; value: number }>)
    .map((v) => `${Object.entries(v.labels).map(([k, val]) => `${k}=${val}`).join(',')} => ${v.value}`)
    .sort();
}

test('detailed: one series per result with Policy Reporter labels; updates replace, deletes withdraw', async () => {
  const m = metrics({ mode: 'detailed' });
  m.reportChanged(report('polr-1', 'shop', [r('require-labels', 'fail'), r('no-latest', 'pass')]));
  assert.deepEqual(await series(m, 'policy_report_result'), [
    'namespace=shop,rule=no-latest-rule,policy=no-latest,report=polr-1,kind=Pod,name=web,status=pass,severity=high,category=Pod Security,source=kyverno => 1',
    'namespace=shop,rule=require-labels-rule,policy=require-labels,report=polr-1,kind=Pod,name=web,status=fail,severity=high,category=Pod Security,source=kyverno => 1',
  ]);
  // The fail becomes a pass and no-latest disappears: both stale series must go.
  m.reportChanged(report('polr-1', 'shop', [r('require-labels', 'pass')]));
  assert.deepEqual(await series(m, 'policy_report_result'), [
    'namespace=shop,rule=require-labels-rule,policy=require-labels,report=polr-1,kind=Pod,name=web,status=pass,severity=high,category=Pod Security,source=kyverno => 1',
  ]);
  m.reportDeleted(report('polr-1', 'shop', []));
  assert.deepEqual(await series(m, 'policy_report_result'), []);
  assert.equal(m.reportGauges?.reports, 0);
  assert.equal(m.reportGauges?.series, 0);
});

test('detailed: cluster reports go to cluster_policy_report_result without a namespace label', async () => {
  const m = metrics({ mode: 'detailed' });
  m.reportChanged(report('cpolr', undefined, [r('disallow-host', 'warn', 'node-1', { resources: [{ kind: 'Node', name: 'node-1' }] })]));
  assert.deepEqual(await series(m, 'cluster_policy_report_result'), [
    'rule=disallow-host-rule,policy=disallow-host,report=cpolr,kind=Node,name=node-1,status=warn,severity=high,category=Pod Security,source=kyverno => 1',
  ]);
  assert.deepEqual(await series(m, 'policy_report_result'), []);
});

test('reports with the same name in different groups, kinds and clusters are kept apart', async () => {
  const m = metrics({ mode: 'simple' });
  const wg = report('same', 'shop', [r('p', 'fail')]);
  const or = { ...report('same', 'shop', [r('p', 'fail')]), apiVersion: 'openreports.io/v1alpha1', kind: 'Report' };
  m.reportChanged(wg);
  m.reportChanged(or);
  m.reportChanged(wg, 'other-cluster');
  assert.deepEqual(await series(m, 'policy_report_result'), ['namespace=shop,policy=p,status=fail,severity=high,category=Pod Security,source=kyverno => 3']);
  m.reportDeleted(or);
  assert.deepEqual(await series(m, 'policy_report_result'), ['namespace=shop,policy=p,status=fail,severity=high,category=Pod Security,source=kyverno => 2']);
});

test('simple: counts aggregate across reports and go down as reports change', async () => {
  const m = metrics({ mode: 'simple' });
  m.reportChanged(report('a', 'shop', [r('p', 'fail', 'web'), r('p', 'fail', 'db'), r('q', 'pass')]));
  m.reportChanged(report('b', 'shop', [r('p', 'fail', 'cache')]));
  assert.deepEqual(await series(m, 'policy_report_result'), [
    'namespace=shop,policy=p,status=fail,severity=high,category=Pod Security,source=kyverno => 3',
    'namespace=shop,policy=q,status=pass,severity=high,category=Pod Security,source=kyverno => 1',
  ]);
  m.reportChanged(report('a', 'shop', [r('p', 'pass', 'web')]));
  assert.deepEqual(await series(m, 'policy_report_result'), [
    'namespace=shop,policy=p,status=fail,severity=high,category=Pod Security,source=kyverno => 1',
    'namespace=shop,policy=p,status=pass,severity=high,category=Pod Security,source=kyverno => 1',
  ]);
  m.reportDeleted(report('b', 'shop', []));
  m.reportDeleted(report('a', 'shop', []));
  assert.deepEqual(await series(m, 'policy_report_result'), []);
});

test('custom: label: and property: entries with sanitized names; namespace dropped for cluster reports', async () => {
  const m = metrics({ mode: 'custom', customLabels: ['namespace', 'policy', 'status', 'label:app.kubernetes.io/name', 'property:cve-id'] });
  m.reportChanged(report('a', 'shop', [r('vuln', 'fail', 'web', { properties: { 'cve-id': 'CVE-1' } }), r('vuln', 'fail', 'db')]));
  m.reportChanged(report('c', undefined, [r('vuln', 'warn', 'n', { properties: { 'cve-id': 'CVE-2' } })]));
  assert.deepEqual(await series(m, 'policy_report_result'), [
    'namespace=shop,policy=vuln,status=fail,label_app_kubernetes_io_name=shop,property_cve_id= => 1',
    'namespace=shop,policy=vuln,status=fail,label_app_kubernetes_io_name=shop,property_cve_id=CVE-1 => 1',
  ]);
  assert.deepEqual(await series(m, 'cluster_policy_report_result'), [
    'policy=vuln,status=warn,label_app_kubernetes_io_name=shop,property_cve_id=CVE-2 => 1',
  ]);
  // A label change on the report moves its series.
  m.reportChanged({ ...report('c', undefined, [r('vuln', 'warn', 'n', { properties: { 'cve-id': 'CVE-2' } })]), metadata: { name: 'c', labels: { 'app.kubernetes.io/name': 'api' } } });
  assert.deepEqual(await series(m, 'cluster_policy_report_result'), [
    'policy=vuln,status=warn,label_app_kubernetes_io_name=api,property_cve_id=CVE-2 => 1',
  ]);
});

test('filter: excluded namespaces and statuses are not counted; a report that only has filtered results holds no memory', async () => {
  const m = metrics({ mode: 'simple', filter: { namespaces: { exclude: ['kube-*'] }, status: { include: ['fail', 'warn'] }, policies: { exclude: ['ignored-*'] } } });
  m.reportChanged(report('a', 'kube-system', [r('p', 'fail', 'proxy', { resources: pod('proxy', 'kube-system') })]));
  m.reportChanged(report('b', 'shop', [r('p', 'fail'), r('p', 'pass'), r('ignored-x', 'fail')]));
  assert.deepEqual(await series(m, 'policy_report_result'), ['namespace=shop,policy=p,status=fail,severity=high,category=Pod Security,source=kyverno => 1']);
  assert.equal(m.reportGauges?.reports, 1);
});

test('disabled: no result gauges, operational metrics stay', async () => {
  const m = metrics({ enabled: false });
  m.reportChanged(report('a', 'shop', [r('p', 'fail')]));
  const names = (await m.registry.getMetricsAsJSON()).map((x) => x.name);
  assert.ok(!names.includes('policy_report_result'));
  assert.ok(names.includes('docket_target_sends_total'));
});

test('operational metrics count what the hooks report', async () => {
  const m = metrics({});
  m.resultsSeen(10, 'kyverno');
  m.newResults(3, 'kyverno');
  m.sent('slack-team-a', 'slack', 'success', 0.2, 3);
  m.sent('slack-team-a', 'slack', 'retry', 0.1, 2);
  m.retried('slack-team-a', 2);
  m.queueDepth('slack-team-a', 7);
  m.deadLettered('loki', 1);
  m.deadLetters('loki', 4);
  m.watchRestarted('prod', 'policyreports', 'gone');
  m.storeLatency('putReport', 0.004);
  m.leader(true);
  assert.deepEqual(await series(m, 'docket_results_seen_total'), ['source=kyverno => 10']);
  assert.deepEqual(await series(m, 'docket_new_results_total'), ['source=kyverno => 3']);
  assert.deepEqual(await series(m, 'docket_target_sends_total'), ['target=slack-team-a,type=slack,outcome=retry => 1', 'target=slack-team-a,type=slack,outcome=success => 1']);
  assert.deepEqual(await series(m, 'docket_target_notifications_total'), ['target=slack-team-a,type=slack,outcome=retry => 2', 'target=slack-team-a,type=slack,outcome=success => 3']);
  assert.deepEqual(await series(m, 'docket_delivery_retries_total'), ['target=slack-team-a => 2']);
  assert.deepEqual(await series(m, 'docket_outbox_pending'), ['target=slack-team-a => 7']);
  assert.deepEqual(await series(m, 'docket_deliveries_dead_lettered_total'), ['target=loki => 1']);
  assert.deepEqual(await series(m, 'docket_outbox_dead_letters'), ['target=loki => 4']);
  assert.deepEqual(await series(m, 'docket_watch_restarts_total'), ['cluster=prod,resource=policyreports,reason=gone => 1']);
  assert.deepEqual(await series(m, 'docket_reporter_leader'), [' => 1']);
  const { body } = await m.render();
  assert.match(body, /docket_store_operation_duration_seconds_bucket\{le="0.005",operation="putReport"\} 1/);
});

test('two instances never share a registry', () => {
  const a = metrics({});
  const b = metrics({});
  assert.notEqual(a.registry, b.registry);
});

test('the exposition passes promtool check metrics (every mode, with default metrics)', async () => {
  const which = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
  assert.equal(which.status, 0, 'promtool is not installed: run `apt-get install -y prometheus` (Debian package prometheus); .ci/run installs it');
  for (const config of [
    { mode: 'detailed' as const },
    { mode: 'simple' as const },
    { mode: 'custom' as const, customLabels: ['policy', 'label:app.kubernetes.io/name', 'property:cve-id', 'message'] },
  ]) {
    const m = createReporterMetrics({ config: { enabled: true, customLabels: [], ...config } });
    m.reportChanged(report('a', 'shop', [r('p', 'fail', 'web', { message: 'line "one"\nline \\two', properties: { 'cve-id': 'CVE-1' } }), r('q', 'pass')]));
    m.reportChanged(report('c', undefined, [r('p', 'warn', 'n')]));
    m.sent('slack', 'slack', 'success', 0.5, 2);
    m.watchRestarted('default', 'policyreports', 'error');
    m.storeLatency('getReport', 0.001);
    let sentType = '';
    const body = await metricsHandler(m)(undefined, { header: (_k, v) => { sentType = v; } });
    assert.match(sentType, /^text\/plain; version=0\.0\.4/);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    assert.equal(check.status, 0, `promtool check metrics (${config.mode}):\n${check.stdout}${check.stderr}`);
    assert.match(body, config.mode === 'custom' ? /policy_report_result\{policy="p"/ : /policy_report_result\{namespace="shop"/);
  }
});

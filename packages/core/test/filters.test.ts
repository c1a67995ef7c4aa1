import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportObject } from '@docket/model';
import { compileFilter, compileMatcher, resolveChannelFilter, toFilterContext, type FilterContext, type TargetFilterConfig } from '@docket/core';

const base: FilterContext = {
  namespace: 'team-a', namespaceLabels: { env: 'prod', team: 'a' }, policy: 'require-labels', source: 'kyverno',
  severity: 'high', status: 'fail', kind: 'Pod', reportLabels: { app: 'web', 'managed-by': 'kyverno' },
};
const ctx = (over: Partial<FilterContext>): FilterContext => ({ ...base, ...over });
const OWNER = 'target slack/team-a';

test('compileFilter table: each key, include wins, wildcards, reasons', () => {
  const table: Array<[string, TargetFilterConfig, Partial<FilterContext>, string | undefined]> = [
    ['no filter passes', {}, {}, undefined],
    ['namespace excluded', { filter: { namespaces: { exclude: ['kube-*'] } } }, { namespace: 'kube-system' },
      'namespace kube-system excluded by filter of target slack/team-a'],
    ['namespace not excluded', { filter: { namespaces: { exclude: ['kube-*'] } } }, {}, undefined],
    ['namespace included by wildcard', { filter: { namespaces: { include: ['team-*'] } } }, {}, undefined],
    ['namespace ? wildcard', { filter: { namespaces: { include: ['team-?'] } } }, { namespace: 'team-ab' },
      'namespace team-ab not included by filter of target slack/team-a'],
    ['include wins over exclude', { filter: { namespaces: { include: ['team-*'], exclude: ['team-a'] } } }, {}, undefined],
    ['cluster-scoped passes namespace include', { filter: { namespaces: { include: ['team-*'] } } }, { namespace: '' }, undefined],
    ['selector matches', { filter: { namespaces: { selector: { env: 'prod' } } } }, {}, undefined],
    ['selector mismatch', { filter: { namespaces: { selector: { env: 'prod' } } } }, { namespaceLabels: { env: 'dev' } },
      'namespace team-a does not match selector env=prod by filter of target slack/team-a'],
    ['selector without labels', { filter: { namespaces: { selector: { env: 'prod' } } } }, { namespaceLabels: undefined },
      'namespace team-a does not match selector env=prod by filter of target slack/team-a'],
    ['selector one-of', { filter: { namespaces: { selector: { env: 'dev, prod' } } } }, {}, undefined],
    ['selector exists', { filter: { namespaces: { selector: { team: '*' } } } }, {}, undefined],
    ['selector not-exists', { filter: { namespaces: { selector: { team: '!*' } } } }, {},
      'namespace team-a does not match selector team=!* by filter of target slack/team-a'],
    ['selector ignores cluster-scoped', { filter: { namespaces: { selector: { env: 'x' } } } }, { namespace: '' }, undefined],
    ['selector and include both apply', { filter: { namespaces: { include: ['team-*'], selector: { env: 'dev' } } } }, {},
      'namespace team-a does not match selector env=dev by filter of target slack/team-a'],
    ['policy excluded', { filter: { policies: { exclude: ['require-*'] } } }, {},
      'policy require-labels excluded by filter of target slack/team-a'],
    ['policy not included', { filter: { policies: { include: ['disallow-*'] } } }, {},
      'policy require-labels not included by filter of target slack/team-a'],
    ['source excluded', { filter: { sources: { exclude: ['trivy*'] } } }, { source: 'trivy-operator' },
      'source trivy-operator excluded by filter of target slack/team-a'],
    ['source case-insensitive', { filter: { sources: { include: ['Kyverno'] } } }, {}, undefined],
    ['sources key overrides filter.sources', { sources: ['trivy'], filter: { sources: { include: ['kyverno'] } } }, {},
      'source kyverno not included by sources of target slack/team-a'],
    ['empty sources key keeps filter.sources', { sources: [], filter: { sources: { include: ['kyverno'] } } }, {}, undefined],
    ['empty source not included', { sources: ['kyverno'] }, { source: '' },
      'source (none) not included by sources of target slack/team-a'],
    ['severity exact, not wildcard', { filter: { severities: { include: ['h*'] } } }, {},
      'severity high not included by filter of target slack/team-a'],
    ['severity excluded', { filter: { severities: { exclude: ['high', 'critical'] } } }, {},
      'severity high excluded by filter of target slack/team-a'],
    ['missing severity not included', { filter: { severities: { include: ['high'] } } }, { severity: '' },
      'severity (none) not included by filter of target slack/team-a'],
    ['status excluded', { filter: { status: { exclude: ['warn'] } } }, { status: 'warn' },
      'status warn excluded by filter of target slack/team-a'],
    ['status included', { filter: { status: { include: ['fail', 'error'] } } }, {}, undefined],
    ['kind excluded', { filter: { kinds: { exclude: ['Pod'] } } }, {}, 'kind Pod excluded by filter of target slack/team-a'],
    ['kind wildcard include', { filter: { kinds: { include: ['*Set'] } } }, { kind: 'ReplicaSet' }, undefined],
    ['no kind passes kinds filter', { filter: { kinds: { include: ['Pod'] } } }, { kind: '' }, undefined],
    ['report label key present', { filter: { reportLabels: { include: ['app'] } } }, {}, undefined],
    ['report label key:value wildcard', { filter: { reportLabels: { include: ['app:w*'] } } }, {}, undefined],
    ['report label include miss', { filter: { reportLabels: { include: ['app:api', 'tier'] } } }, {},
      'report labels match none of app:api, tier by filter of target slack/team-a'],
    ['report label excluded', { filter: { reportLabels: { exclude: ['tier', 'managed-by:kyverno'] } } }, {},
      'report label managed-by:kyverno excluded by filter of target slack/team-a'],
    ['minimumSeverity met', { minimumSeverity: 'high' }, {}, undefined],
    ['minimumSeverity not met', { minimumSeverity: 'critical' }, {}, 'severity high below minimumSeverity critical of target slack/team-a'],
    ['minimumSeverity drops no severity', { minimumSeverity: 'info' }, { severity: '' },
      'severity (none) below minimumSeverity info of target slack/team-a'],
    ['empty minimumSeverity', { minimumSeverity: '' }, { severity: '' }, undefined],
    ['first failing check wins (severity before namespace)', { minimumSeverity: 'critical', filter: { namespaces: { exclude: ['team-a'] } } }, {},
      'severity high below minimumSeverity critical of target slack/team-a'],
    ['all pass', {
      minimumSeverity: 'medium', sources: ['kyverno'],
      filter: { namespaces: { include: ['team-*'], selector: { env: 'prod' } }, policies: { exclude: ['x'] }, severities: { include: ['high'] },
        status: { include: ['fail'] }, kinds: { include: ['Pod'] }, reportLabels: { exclude: ['skip-me'] } },
    }, {}, undefined],
  ];
  for (const [name, config, over, expected] of table) assert.equal(compileFilter(config, OWNER)(ctx(over)), expected, name);
});

test('compileMatcher escapes regex characters and anchors patterns', () => {
  const m = compileMatcher(['a.b', 'x*y', '(z)?']);
  assert.deepEqual(['a.b', 'aXb', 'xy', 'x123y', 'x123yz', '(z)1', '(z)'].map(m), [true, false, true, true, false, true, false]);
  const exact = compileMatcher(['a*'], 'exact');
  assert.deepEqual(['a*', 'ab'].map(exact), [true, false]);
});

test('toFilterContext takes namespace/kind from the result resource, else scope, else the report', () => {
  const report: ReportObject = {
    apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', source: 'kyverno',
    metadata: { name: 'r', namespace: 'ns-report', labels: { app: 'web' } },
    scope: { kind: 'Deployment', name: 'd', namespace: 'ns-scope' },
  };
  assert.deepEqual(toFilterContext(report, { policy: 'p', result: 'fail', severity: 'low' }), {
    namespace: 'ns-scope', policy: 'p', source: 'kyverno', severity: 'low', status: 'fail', kind: 'Deployment', reportLabels: { app: 'web' },
  });
  const c = toFilterContext({ ...report, scope: undefined }, { policy: 'p', source: 'trivy', resources: [{ kind: 'Pod', name: 'x' }] }, { env: 'prod' });
  assert.deepEqual(c, {
    namespace: 'ns-report', policy: 'p', source: 'trivy', severity: '', status: '', kind: 'Pod', reportLabels: { app: 'web' }, namespaceLabels: { env: 'prod' },
  });
  const cluster = toFilterContext({ apiVersion: 'v', kind: 'ClusterPolicyReport', metadata: { name: 'c' } }, { policy: 'p' });
  assert.equal(cluster.namespace, '');
  assert.deepEqual(cluster.reportLabels, {});
});

test('resolveChannelFilter: channels inherit unset keys; a channel filter replaces the root one whole', () => {
  const root: TargetFilterConfig = { minimumSeverity: 'high', sources: ['kyverno'], filter: { namespaces: { exclude: ['kube-*'] }, policies: { exclude: ['p1'] } } };
  const table: Array<[string, TargetFilterConfig, TargetFilterConfig]> = [
    ['empty channel inherits everything', {}, root],
    ['own minimumSeverity', { minimumSeverity: 'low' }, { ...root, minimumSeverity: 'low' }],
    ['explicit empty minimumSeverity clears', { minimumSeverity: '' }, { ...root, minimumSeverity: '' }],
    ['own sources', { sources: ['trivy'] }, { ...root, sources: ['trivy'] }],
    ['own filter replaces whole', { filter: { namespaces: { include: ['team-a'] } } }, { ...root, filter: { namespaces: { include: ['team-a'] } } }],
    ['empty filter object clears root filter', { filter: {} }, { ...root, filter: {} }],
  ];
  for (const [name, channel, expected] of table) assert.deepEqual(resolveChannelFilter(root, channel), expected, name);
  assert.deepEqual(resolveChannelFilter({}, {}), {});
  // Through compileFilter: the channel sees kube-system excluded by inheritance, and not after overriding.
  const inherited = compileFilter(resolveChannelFilter(root, {}), 'channel slack/team-a');
  assert.equal(inherited(ctx({ namespace: 'kube-system' })), 'namespace kube-system excluded by filter of channel slack/team-a');
  const own = compileFilter(resolveChannelFilter(root, { filter: { namespaces: { include: ['kube-*'] } } }), 'channel slack/team-a');
  assert.equal(own(ctx({ namespace: 'kube-system' })), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createIdOf, createResultTracker } from '@docket/core';
import type { ReportObject, ReportResult } from '@docket/model';
import { compileTargets, deliveriesFor, expandTargetSpecs, type CompiledTarget, type TargetTreeSpec } from '../src/pipeline/index.ts';

function report(namespace: string, results: Array<Partial<ReportResult>>, labels?: Record<string, string>): ReportObject {
  return {
    apiVersion: 'wgpolicyk8s.io/v1beta1', kind: 'PolicyReport',
    metadata: { name: 'r', namespace, resourceVersion: '7', ...(labels ? { labels } : {}) },
    results: results.map((r, i) => ({ policy: `p${i}`, result: 'fail', ...r })),
  } as ReportObject;
}

/** Runs one report through detection for the given targets; returns target → policies and the skip reasons. */
function run(targets: CompiledTarget[], r: ReportObject, nsLabels?: Record<string, Record<string, string>>) {
  const tracker = createResultTracker();
  tracker.endStartup();
  const skips: string[] = [];
  const rows = deliveriesFor(r, tracker.observe(r, 0), {
    targets, idOf: createIdOf(),
    ...(nsLabels ? { namespaceLabels: (ns: string) => nsLabels[ns] } : {}),
    onSkip: (t, reason) => skips.push(`${t.name}: ${reason}`),
  });
  const by: Record<string, string[]> = {};
  for (const d of rows) (by[d.target] ??= []).push((d.payload as { result: ReportResult }).result.policy);
  return { by, skips };
}

const one = (spec: TargetTreeSpec) => compileTargets(expandTargetSpecs(spec));

const CASES: Array<{ name: string; spec: TargetTreeSpec; report: ReportObject; want: Record<string, string[]>; reason?: RegExp; ns?: Record<string, Record<string, string>> }> = [
  { name: 'no filter: warn/fail/error only', spec: { name: 't' },
    report: report('a', [{ result: 'fail' }, { result: 'pass' }, { result: 'warn' }, { result: 'skip' }, { result: 'error' }]),
    want: { t: ['p0', 'p2', 'p4'] } },
  { name: 'namespace include wildcard', spec: { name: 't', filter: { namespaces: { include: ['team-*'] } } },
    report: report('kube-system', [{}]), want: {}, reason: /namespace kube-system not included/ },
  { name: 'namespace exclude', spec: { name: 't', filter: { namespaces: { exclude: ['kube-*'] } } },
    report: report('kube-system', [{}]), want: {}, reason: /namespace kube-system excluded/ },
  { name: 'include wins over exclude', spec: { name: 't', filter: { namespaces: { include: ['team-a'], exclude: ['team-a'] } } },
    report: report('team-a', [{}]), want: { t: ['p0'] } },
  { name: 'namespace label selector', spec: { name: 't', filter: { namespaces: { selector: { team: 'a,b' } } } },
    report: report('n1', [{}]), ns: { n1: { team: 'c' } }, want: {}, reason: /does not match selector team=a,b/ },
  { name: 'namespace label selector matches', spec: { name: 't', filter: { namespaces: { selector: { team: 'a,b' } } } },
    report: report('n1', [{}]), ns: { n1: { team: 'b' } }, want: { t: ['p0'] } },
  { name: 'policies wildcard', spec: { name: 't', filter: { policies: { include: ['p1*'] } } },
    report: report('a', [{}, {}]), want: { t: ['p1'] }, reason: /policy p0 not included/ },
  { name: 'severities exact', spec: { name: 't', filter: { severities: { exclude: ['low'] } } },
    report: report('a', [{ severity: 'low' }, { severity: 'high' }]), want: { t: ['p1'] }, reason: /severity low excluded/ },
  { name: 'status exact', spec: { name: 't', filter: { status: { include: ['fail'] } } },
    report: report('a', [{ result: 'warn' }, { result: 'fail' }]), want: { t: ['p1'] }, reason: /status warn not included/ },
  { name: 'sources case-insensitive', spec: { name: 't', sources: ['Kyverno'] },
    report: report('a', [{ source: 'kyverno' }, { source: 'trivy' }]), want: { t: ['p0'] }, reason: /source trivy not included by sources/ },
  { name: 'report labels key:value', spec: { name: 't', filter: { reportLabels: { include: ['app:web*'] } } },
    report: report('a', [{}], { app: 'db' }), want: {}, reason: /report labels match none/ },
  { name: 'resource kinds', spec: { name: 't', filter: { kinds: { exclude: ['Pod'] } } },
    report: report('a', [{ resources: [{ kind: 'Pod', name: 'x', namespace: 'a' }] }, { resources: [{ kind: 'Deployment', name: 'y', namespace: 'a' }] }]),
    want: { t: ['p1'] }, reason: /kind Pod excluded/ },
  { name: 'minimumSeverity drops results without severity', spec: { name: 't', minimumSeverity: 'medium' },
    report: report('a', [{ severity: 'medium' }, { severity: 'low' }, {}]), want: { t: ['p0'] }, reason: /below minimumSeverity medium/ },
  { name: 'channel inherits the root filter', spec: { name: 't', filter: { namespaces: { exclude: ['kube-*'] } }, channels: [{}] },
    report: report('kube-system', [{}]), want: {}, reason: /t Channel 1.*excluded|excluded.*t Channel 1/ },
  { name: 'channel with its own filter replaces the root filter', spec: {
    name: 't', filter: { namespaces: { exclude: ['kube-*'] } }, channels: [{ name: 'ops', filter: { namespaces: { include: ['kube-system'] } } }],
  }, report: report('kube-system', [{}]), want: { ops: ['p0'] } },
  { name: 'channel inherits minimumSeverity unless set', spec: { name: 't', minimumSeverity: 'high', channels: [{ name: 'c1' }, { name: 'c2', minimumSeverity: 'low' }] },
    report: report('a', [{ severity: 'medium' }]), want: { c2: ['p0'] } },
];

for (const c of CASES) {
  test(`filter: ${c.name}`, () => {
    const { by, skips } = run(one(c.spec), c.report, c.ns);
    assert.deepEqual(by, c.want);
    if (c.reason) assert.ok(skips.some((s) => c.reason!.test(s)), `a skip reason matching ${c.reason}: ${skips.join(' | ')}`);
  });
}

test('pre-existing results: only targets without skipExistingOnStartup; channels inherit the flag', () => {
  const targets = compileTargets([
    ...expandTargetSpecs({ name: 'root', skipExistingOnStartup: false, channels: [{ name: 'inherits' }, { name: 'own', skipExistingOnStartup: true }] }),
    { name: 'default' },
  ]);
  const tracker = createResultTracker(); // still starting: first sight is pre-existing
  const r = report('a', [{}]);
  const rows = deliveriesFor(r, tracker.observe(r, 0), { targets, idOf: createIdOf() });
  assert.deepEqual(rows.map((d) => d.target).sort(), ['inherits', 'root']);
});

test('keys are deterministic and duplicate target names are refused', () => {
  const targets = compileTargets([{ name: 'a' }]);
  const r = report('a', [{}]);
  const keys = [0, 1].map(() => {
    const tracker = createResultTracker();
    tracker.endStartup();
    return deliveriesFor(r, tracker.observe(r, 0), { targets, idOf: createIdOf() })[0]!.key;
  });
  assert.equal(keys[0], keys[1]);
  assert.match(keys[0]!, /^wgpolicyk8s\.io\/PolicyReport\/a\/r#[0-9a-f]{32}@7$/);
  assert.throws(() => compileTargets([{ name: 'x' }, { name: 'x' }]), /duplicate target name "x"/);
});

test('cluster source report filter: namespaces, kinds, sources (first result source as fallback)', async () => {
  const { compileReportFilter } = await import('../src/pipeline/index.ts');
  const accept = compileReportFilter({ namespaces: { exclude: ['kube-*'] }, kinds: { include: ['PolicyReport', 'ClusterPolicyReport'] }, sources: { include: ['Kyverno'] } });
  const rep = (kind: string, namespace: string | undefined, source: string | undefined, resultSource?: string) => ({
    apiVersion: 'wgpolicyk8s.io/v1beta1', kind, metadata: { name: 'r', ...(namespace ? { namespace } : {}) },
    ...(source ? { source } : {}), results: [{ policy: 'p', result: 'fail', ...(resultSource ? { source: resultSource } : {}) }],
  }) as unknown as ReportObject;
  assert.equal(accept(rep('PolicyReport', 'team-a', 'kyverno')), true);
  assert.equal(accept(rep('PolicyReport', 'kube-system', 'kyverno')), false, 'excluded namespace');
  assert.equal(accept(rep('ClusterPolicyReport', undefined, 'kyverno')), true, 'cluster reports pass namespace filters');
  assert.equal(accept(rep('Report', 'team-a', 'kyverno')), false, 'kind not included');
  assert.equal(accept(rep('PolicyReport', 'team-a', undefined, 'KYVERNO')), true, 'first result source, case-insensitive');
  assert.equal(accept(rep('PolicyReport', 'team-a', 'trivy')), false, 'source not included');
});

/**
 * The kubectl conformance scenarios, run once per store engine by kubectl.test.ts. They share one
 * server and run in order; each asserts on what the real kubectl prints.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parse } from 'yaml';
import type { Kubectl } from '../support/kubectl.ts';
import { OR, report, table, WG, yamlDocs } from './fixtures.ts';

export interface ConformanceContext {
  kubectl(): Kubectl;
}

const POLR = 'policyreports.wgpolicyk8s.io';

export function defineKubectlConformance(ctx: ConformanceContext): void {
  const k = (): Kubectl => ctx.kubectl();

  it('create -f with a multi-document file (polr, cpolr, openreports Report)', async () => {
    const docs = yamlDocs(
      report({ name: 'polr-a', labels: { team: 'a' }, scope: { kind: 'Pod', name: 'web' }, results: ['pass', 'pass', 'fail', 'warn'], summary: { pass: 9 } }),
      report({ name: 'cpolr-a', kind: 'ClusterPolicyReport', results: ['pass', 'error', 'skip'] }),
      report({ name: 'rep-a', apiVersion: OR, kind: 'Report', scope: { kind: 'Deployment', name: 'api' }, results: ['fail', 'fail'] }),
    );
    const out = await k().ok(['create', '-f', '-'], { input: docs });
    assert.deepEqual(out.trim().split('\n'), [
      'policyreport.wgpolicyk8s.io/polr-a created',
      'clusterpolicyreport.wgpolicyk8s.io/cpolr-a created',
      'report.openreports.io/rep-a created',
    ]);
  });

  it('get prints the printer columns with counts recomputed from results', async () => {
    const rows = table(await k().ok(['get', 'polr', '-n', 'e2e']));
    assert.deepEqual(rows[0], ['NAME', 'PASS', 'FAIL', 'WARN', 'ERROR', 'SKIP', 'AGE']);
    assert.deepEqual(rows[1]!.slice(0, 6), ['polr-a', '2', '1', '1', '0', '0']);
    assert.equal(rows.length, 2);
    assert.deepEqual(table(await k().ok(['get', 'cpolr']))[1]!.slice(0, 6), ['cpolr-a', '1', '0', '0', '1', '1']);
    assert.deepEqual(table(await k().ok(['get', 'reps', '-n', 'e2e']))[1]!.slice(0, 6), ['rep-a', '0', '2', '0', '0', '0']);
  });

  it('get -o wide adds the KIND and NAME columns of the scope', async () => {
    const rows = table(await k().ok(['get', POLR, '-n', 'e2e', '-o', 'wide']));
    assert.deepEqual(rows[0], ['NAME', 'KIND', 'NAME', 'PASS', 'FAIL', 'WARN', 'ERROR', 'SKIP', 'AGE']);
    assert.deepEqual(rows[1]!.slice(0, 8), ['polr-a', 'Pod', 'web', '2', '1', '1', '0', '0']);
  });

  it('get -o yaml round-trips: applying the output back changes nothing', async () => {
    const before = parse(await k().ok(['get', POLR, 'polr-a', '-n', 'e2e', '-o', 'yaml'])) as Record<string, any>;
    assert.equal(before.apiVersion, WG);
    assert.equal(before.kind, 'PolicyReport');
    assert.deepEqual(before.summary, { pass: 2, fail: 1, warn: 1, error: 0, skip: 0 });
    assert.equal(before.results.length, 4);
    assert.match(before.metadata.uid, /^[0-9a-f-]{36}$/);
    const text = await k().ok(['get', POLR, 'polr-a', '-n', 'e2e', '-o', 'yaml']);
    const out = await k().ok(['replace', '-f', '-'], { input: text });
    assert.match(out, /policyreport.wgpolicyk8s.io\/polr-a replaced/);
    const after = parse(await k().ok(['get', POLR, 'polr-a', '-n', 'e2e', '-o', 'yaml'])) as Record<string, any>;
    for (const key of ['scope', 'summary', 'results']) assert.deepEqual(after[key], before[key], key);
    assert.deepEqual(after.metadata.labels, before.metadata.labels);
    assert.equal(after.metadata.uid, before.metadata.uid);
    assert.equal(after.metadata.creationTimestamp, before.metadata.creationTimestamp);
  });

  it('-l and --field-selector filter on the server', async () => {
    await k().ok(['create', '-f', '-'], {
      input: yamlDocs(
        report({ name: 'polr-b', labels: { team: 'b' }, scope: { kind: 'Deployment', name: 'api' }, results: ['pass'] }),
        report({ name: 'polr-c', labels: { team: 'a' }, scope: { kind: 'Pod', name: 'db' }, results: ['fail'] }),
      ),
    });
    const names = async (...args: string[]) => (await k().ok(['get', POLR, '-n', 'e2e', '-o', 'name', ...args])).trim().split('\n').filter(Boolean);
    assert.deepEqual(await names('-l', 'team=a'), ['policyreport.wgpolicyk8s.io/polr-a', 'policyreport.wgpolicyk8s.io/polr-c']);
    assert.deepEqual(await names('-l', 'team in (b),team!=a'), ['policyreport.wgpolicyk8s.io/polr-b']);
    assert.deepEqual(await names('--field-selector', 'metadata.name=polr-b'), ['policyreport.wgpolicyk8s.io/polr-b']);
    assert.deepEqual(await names('--field-selector', 'scope.kind=Pod,metadata.name!=polr-a'), ['policyreport.wgpolicyk8s.io/polr-c']);
    const bad = await k().run(['get', POLR, '-n', 'e2e', '--field-selector', 'results.policy=x']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /BadRequest|field label not supported|not supported/i);
  });

  it('get -A lists every namespace with a NAMESPACE column', async () => {
    await k().ok(['create', '-f', '-'], { input: yamlDocs(report({ name: 'polr-other', namespace: 'other', results: ['skip'] })) });
    const rows = table(await k().ok(['get', POLR, '-A']));
    assert.deepEqual(rows[0], ['NAMESPACE', 'NAME', 'PASS', 'FAIL', 'WARN', 'ERROR', 'SKIP', 'AGE']);
    assert.deepEqual(rows.slice(1).map((r) => `${r[0]}/${r[1]}`), ['e2e/polr-a', 'e2e/polr-b', 'e2e/polr-c', 'other/polr-other']);
  });

  it('--chunk-size=2 pages through more than 5 objects with continue tokens', async () => {
    const items = Array.from({ length: 7 }, (_, i) => report({ name: `chunk-${i}`, namespace: 'chunks', labels: { batch: 'chunk' }, results: ['pass'] }));
    await k().ok(['create', '-f', '-'], { input: yamlDocs(...items) });
    const r = await k().run(['get', POLR, '-n', 'chunks', '--chunk-size=2', '-o', 'name', '-v=6']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), items.map((_, i) => `policyreport.wgpolicyk8s.io/chunk-${i}`));
    const pages = r.stderr.split('\n').filter((l) => /GET .*\/namespaces\/chunks\/policyreports\?.*limit=2/.test(l));
    assert.equal(pages.length, 4, r.stderr);
    assert.equal(pages.filter((l) => /continue=/.test(l)).length, 3);
  });

  it('create -f with a v1 List (as kubectl get -o yaml prints several objects)', async () => {
    const items = [report({ name: 'list-1', namespace: 'lists', results: ['pass'] }), report({ name: 'list-2', namespace: 'lists', results: ['fail'] })];
    const out = await k().ok(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) });
    assert.deepEqual(out.trim().split('\n'), ['policyreport.wgpolicyk8s.io/list-1 created', 'policyreport.wgpolicyk8s.io/list-2 created']);
    const listed = parse(await k().ok(['get', POLR, '-n', 'lists', '-o', 'yaml'])) as { kind: string; items: { metadata: { name: string } }[] };
    assert.equal(listed.kind, 'List');
    assert.deepEqual(listed.items.map((i) => i.metadata.name), ['list-1', 'list-2']);
  });

  it('apply (client-side) creates, then configures a changed value', async () => {
    const doc = (result: string) => yamlDocs(report({ name: 'polr-apply', labels: { team: 'c' }, results: ['pass', result] }));
    assert.match(await k().ok(['apply', '-f', '-'], { input: doc('fail') }), /policyreport.wgpolicyk8s.io\/polr-apply created/);
    assert.match(await k().ok(['apply', '-f', '-'], { input: doc('fail') }), /polr-apply unchanged/);
    assert.match(await k().ok(['apply', '-f', '-'], { input: doc('pass') }), /policyreport.wgpolicyk8s.io\/polr-apply configured/);
    const rows = table(await k().ok(['get', POLR, 'polr-apply', '-n', 'e2e']));
    assert.deepEqual(rows[1]!.slice(0, 6), ['polr-apply', '2', '0', '0', '0', '0']);
  });

  const ssaDoc = (team: string, result: string) => yamlDocs(report({ name: 'polr-ssa', labels: { team }, results: [result] }));
  const ssaGet = (path: string) => k().ok(['get', POLR, 'polr-ssa', '-n', 'e2e', '-o', `jsonpath={${path}}`]);

  it('apply --server-side creates and updates', async () => {
    assert.match(await k().ok(['apply', '--server-side', '-f', '-'], { input: ssaDoc('a', 'fail') }), /polr-ssa serverside-applied/);
    assert.match(await k().ok(['apply', '--server-side', '-f', '-'], { input: ssaDoc('a', 'pass') }), /polr-ssa serverside-applied/);
    assert.equal(await ssaGet('.results[0].result'), 'pass');
  });

  it('apply --server-side by a second field manager conflicts, and --force-conflicts wins', async () => {
    const conflict = await k().run(['apply', '--server-side', '--field-manager', 'other-tool', '-f', '-'], { input: ssaDoc('b', 'pass') });
    assert.notEqual(conflict.code, 0, `a conflicting apply must fail: ${conflict.stdout}`);
    assert.match(conflict.stderr, /conflict/i);
    assert.match(conflict.stderr, /metadata\.labels\.team|labels/);
    assert.equal(await ssaGet('.metadata.labels.team'), 'a');
    const forced = await k().ok(['apply', '--server-side', '--force-conflicts', '--field-manager', 'other-tool', '-f', '-'], { input: ssaDoc('b', 'pass') });
    assert.match(forced, /polr-ssa serverside-applied/);
    assert.equal(await ssaGet('.metadata.labels.team'), 'b');
  });

  it('patch --type merge and --type json', async () => {
    assert.match(await k().ok(['patch', POLR, 'polr-b', '-n', 'e2e', '--type', 'merge', '-p', '{"metadata":{"labels":{"patched":"yes"}}}']), /polr-b patched/);
    assert.equal((await k().ok(['get', POLR, '-n', 'e2e', '-l', 'patched=yes', '-o', 'name'])).trim(), 'policyreport.wgpolicyk8s.io/polr-b');
    const ops = JSON.stringify([{ op: 'replace', path: '/results/0/result', value: 'fail' }, { op: 'add', path: '/results/-', value: { policy: 'extra', result: 'warn' } }]);
    assert.match(await k().ok(['patch', POLR, 'polr-b', '-n', 'e2e', '--type', 'json', '-p', ops]), /polr-b patched/);
    assert.deepEqual(table(await k().ok(['get', POLR, 'polr-b', '-n', 'e2e']))[1]!.slice(0, 6), ['polr-b', '0', '1', '1', '0', '0']);
    const bad = await k().run(['patch', POLR, 'polr-b', '-n', 'e2e', '--type', 'json', '-p', '[{"op":"test","path":"/results/0/result","value":"pass"}]']);
    assert.notEqual(bad.code, 0);
  });

  it('get --watch prints changes made by another kubectl', async () => {
    await k().ok(['create', '-f', '-'], { input: yamlDocs(report({ name: 'watch-1', namespace: 'watched', results: ['pass'] })) });
    const w = k().start(['get', POLR, '-n', 'watched', '--watch', '--output-watch-events']);
    try {
      await w.waitFor(/ADDED\s+watch-1\s+1\s+0/);
      await k().ok(['patch', POLR, 'watch-1', '-n', 'watched', '--type', 'json', '-p', '[{"op":"replace","path":"/results/0/result","value":"fail"}]']);
      await w.waitFor(/MODIFIED\s+watch-1\s+0\s+1/);
      await k().ok(['create', '-f', '-'], { input: yamlDocs(report({ name: 'watch-2', namespace: 'watched', results: ['warn'] })) });
      await w.waitFor(/ADDED\s+watch-2\s+0\s+0\s+1/);
      await k().ok(['delete', POLR, 'watch-2', '-n', 'watched']);
      await w.waitFor(/DELETED\s+watch-2/);
    } finally {
      w.child.kill('SIGKILL');
    }
  });

  it('delete by name and by label', async () => {
    assert.match(await k().ok(['delete', POLR, 'polr-c', '-n', 'e2e']), /policyreport.wgpolicyk8s.io "polr-c" deleted/);
    const gone = await k().run(['get', POLR, 'polr-c', '-n', 'e2e']);
    assert.equal(gone.code, 1);
    const out = await k().ok(['delete', POLR, '-n', 'chunks', '-l', 'batch=chunk']);
    assert.equal(out.trim().split('\n').filter((l) => / deleted/.test(l)).length, 7);
    assert.match((await k().run(['get', POLR, '-n', 'chunks'])).stderr, /No resources found in chunks namespace/);
  });

  it('api-resources lists polr, cpolr, reps and creps with their groups (and reports.x-k8s.io by full name)', async () => {
    const rows = table(await k().ok(['api-resources']));
    const has = (name: string, short: string, apiVersion: string, namespaced: string, kind: string) =>
      assert.ok(rows.some((r) => r.join(' ') === [name, short, apiVersion, namespaced, kind].filter(Boolean).join(' ')), `${name} ${apiVersion} in\n${rows.map((r) => r.join(' ')).join('\n')}`);
    has('policyreports', 'polr', 'wgpolicyk8s.io/v1alpha2', 'true', 'PolicyReport');
    has('clusterpolicyreports', 'cpolr', 'wgpolicyk8s.io/v1alpha2', 'false', 'ClusterPolicyReport');
    // reports.x-k8s.io is served without short names, so `polr` is never ambiguous.
    has('policyreports', '', 'reports.x-k8s.io/v1beta2', 'true', 'PolicyReport');
    has('clusterpolicyreports', '', 'reports.x-k8s.io/v1beta2', 'false', 'ClusterPolicyReport');
    has('reports', 'reps', 'openreports.io/v1alpha1', 'true', 'Report');
    has('clusterreports', 'creps', 'openreports.io/v1alpha1', 'false', 'ClusterReport');
  });

  it('explain policyreport.results prints field descriptions', async () => {
    const out = await k().ok(['explain', 'policyreport.results']);
    assert.match(out, /FIELD:\s+results/);
    assert.match(out, /DESCRIPTION:\n\s+\S+/);
    assert.match(out, /policy\s+<string> -required-\n\s+\S+/);
    assert.match(out, /result\s+<string>/);
    assert.match(out, /severity\s+<string>/);
  });

  it('error: get of a missing report says NotFound with its name', async () => {
    const missing = await k().run(['get', POLR, 'nope', '-n', 'e2e']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Error from server \(NotFound\): policyreports.wgpolicyk8s.io "nope" not found/);
  });

  it('error: an invalid report names the field path', async () => {
    const invalid = await k().run(['create', '-f', '-'], { input: yamlDocs(report({ name: 'bad', results: ['pass', 'maybe'] })) });
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /The PolicyReport "bad" is invalid/);
    assert.match(invalid.stderr, /results\[1\]\.result/);
    assert.match(invalid.stderr, /"maybe"/);
  });

  it('error: creating twice says AlreadyExists', async () => {
    const twice = await k().run(['create', '-f', '-'], { input: yamlDocs(report({ name: 'polr-a', results: ['pass'] })) });
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /Error from server \(AlreadyExists\).*"polr-a" already exists/);
  });
}

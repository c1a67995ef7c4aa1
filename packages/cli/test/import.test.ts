// `docket import` against a real `docket serve` (SQLite in a temp dir), through the real process.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runDocket, startDocket, type DocketServer, type RunResult } from '../../../test/support/docket.ts';
import { runCli } from '../src/program.ts';
import { genReportsPath } from '../../../test/support/shared.ts';

/** Runs `docket ARGS` in-process (cheaper than a process per call); output is captured line by line. */
async function docket(args: string[]): Promise<Pick<RunResult, 'code' | 'stdout' | 'stderr'>> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    version: '0.1.0', fetch: globalThis.fetch, readStdin: async () => '', cwd: process.cwd(), defaultServer: 'http://127.0.0.1:8080',
    out: (l) => (stdout += `${l}\n`), err: (l) => (stderr += `${l}\n`), logStream: { write: () => true }, onServing: () => undefined,
  });
  return { code, stdout, stderr };
}

const WG = 'wgpolicyk8s.io/v1alpha2';
const OR = 'openreports.io/v1alpha1';

function polrYaml(name: string, result: string, ns?: string): string {
  return [
    `apiVersion: ${WG}`,
    'kind: PolicyReport',
    'metadata:',
    `  name: ${name}`,
    ...(ns ? [`  namespace: ${ns}`] : []),
    '  labels: {app: demo}',
    'scope: {apiVersion: v1, kind: Pod, name: web, namespace: team-a}',
    'results:',
    `- {policy: require-labels, rule: check-team, result: ${result}, severity: medium, message: needs a team label}`,
  ].join('\n');
}

describe('docket import', () => {
  let dir: string;
  let server: DocketServer;
  const get = async (path: string): Promise<{ status: number; body: Record<string, any> }> => {
    const res = await fetch(server.url + path);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const importArgs = (...rest: string[]) => ['import', '--server', server.url, ...rest];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'docket-import-'));
    server = await startDocket(['--listen', '127.0.0.1:0', '--store', `sqlite:${join(dir, 'data', 'docket.db')}`, '--log-level', 'warn']);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates every object of a multi-document file, then reports them unchanged, then configured', async () => {
    const file = join(dir, 'multi.yaml');
    const list = {
      apiVersion: OR, kind: 'ReportList',
      items: [
        { metadata: { name: 'rep-1' }, results: [{ policy: 'p', result: 'fail' }] },
        { metadata: { name: 'rep-2' }, source: 'trivy', results: [{ policy: 'p', result: 'pass' }, { policy: 'q', result: 'warn' }] },
      ],
    };
    writeFileSync(file, [
      polrYaml('polr-1', 'fail'),
      `apiVersion: ${WG}\nkind: ClusterPolicyReport\nmetadata: {name: cpolr-1}\nresults:\n- {policy: cis-1.1, result: pass}`,
      JSON.stringify(list),
    ].join('\n---\n'));

    const first = await docket(importArgs(file, '--namespace', 'team-b'));
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.stdout.trim().split('\n'), [
      'policyreport.wgpolicyk8s.io/polr-1 created',
      'clusterpolicyreport.wgpolicyk8s.io/cpolr-1 created',
      'report.openreports.io/rep-1 created',
      'report.openreports.io/rep-2 created',
      '4 objects: 4 created, 0 configured, 0 unchanged, 0 failed',
    ]);
    const rep2 = await get(`/apis/${OR}/namespaces/team-b/reports/rep-2`);
    assert.equal(rep2.status, 200);
    assert.equal(rep2.body.source, 'trivy');
    assert.deepEqual(rep2.body.summary, { pass: 1, fail: 0, warn: 1, error: 0, skip: 0 });
    assert.equal((await get(`/apis/${WG}/clusterpolicyreports/cpolr-1`)).status, 200);
    const before = await get(`/apis/${WG}/namespaces/team-b/policyreports/polr-1`);
    assert.equal(before.body.results[0].result, 'fail');

    const again = await docket(importArgs(file, '--namespace', 'team-b'));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /4 objects: 0 created, 0 configured, 4 unchanged, 0 failed/);
    assert.equal((await get(`/apis/${WG}/namespaces/team-b/policyreports/polr-1`)).body.metadata.resourceVersion, before.body.metadata.resourceVersion);

    writeFileSync(file, polrYaml('polr-1', 'pass', 'team-b'));
    const changed = await docket(importArgs(file, '-n', 'team-b'));
    assert.equal(changed.code, 0, changed.stderr);
    assert.deepEqual(changed.stdout.trim().split('\n'), ['policyreport.wgpolicyk8s.io/polr-1 configured', '1 objects: 0 created, 1 configured, 0 unchanged, 0 failed']);
    const after = await get(`/apis/${WG}/namespaces/team-b/policyreports/polr-1`);
    assert.equal(after.body.results[0].result, 'pass');
    assert.deepEqual(after.body.summary, { pass: 1, fail: 0, warn: 0, error: 0, skip: 0 });
    assert.ok(BigInt(after.body.metadata.resourceVersion) > BigInt(before.body.metadata.resourceVersion));
    assert.equal(after.body.metadata.uid, before.body.metadata.uid);
  });

  it('walks a directory for *.yaml, *.yml and *.json and ignores other files', async () => {
    const root = join(dir, 'tree');
    mkdirSync(join(root, 'nested', 'deeper'), { recursive: true });
    writeFileSync(join(root, 'a.yaml'), polrYaml('dir-a', 'pass', 'dirs'));
    writeFileSync(join(root, 'nested', 'b.yml'), polrYaml('dir-b', 'warn', 'dirs'));
    writeFileSync(join(root, 'nested', 'deeper', 'c.json'), JSON.stringify({ apiVersion: OR, kind: 'ClusterReport', metadata: { name: 'dir-c' }, results: [] }));
    writeFileSync(join(root, 'nested', 'notes.txt'), 'kind: PolicyReport\nthis is not imported');
    const r = await docket(importArgs(root));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'policyreport.wgpolicyk8s.io/dir-a created',
      'policyreport.wgpolicyk8s.io/dir-b created',
      'clusterreport.openreports.io/dir-c created',
      '3 objects: 3 created, 0 configured, 0 unchanged, 0 failed',
    ]);
    const listed = await get(`/apis/${WG}/namespaces/dirs/policyreports`);
    assert.deepEqual(listed.body.items.map((i: any) => i.metadata.name).sort(), ['dir-a', 'dir-b']);
  });

  it('reports failing documents with file and index, imports the rest, and exits 1', async () => {
    const file = join(dir, 'mixed.yaml');
    writeFileSync(file, [
      polrYaml('ok-1', 'pass', 'mixed'),
      polrYaml('bad-enum', 'maybe', 'mixed'),
      polrYaml('ok-2', 'fail', 'mixed'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}',
      'key: [unclosed',
    ].join('\n---\n'));
    const r = await docket(importArgs(file));
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'policyreport.wgpolicyk8s.io/ok-1 created',
      'policyreport.wgpolicyk8s.io/ok-2 created',
      '5 objects: 2 created, 0 configured, 0 unchanged, 3 failed',
    ]);
    const errors = r.stderr.trim().split('\n');
    assert.match(errors[0]!, new RegExp(`^error: ${file}#2 \\(policyreport.wgpolicyk8s.io/bad-enum\\): .*results\\[0\\]\\.result.*maybe`));
    assert.match(errors[1]!, new RegExp(`^error: ${file}#4: no resource for apiVersion "v1" kind "ConfigMap"`));
    assert.match(errors[2]!, new RegExp(`^error: ${file}#5: cannot parse`));
    assert.equal(errors[3], 'error: 3 of 5 objects failed');
    assert.equal((await get(`/apis/${WG}/namespaces/mixed/policyreports/bad-enum`)).status, 404);
    assert.equal((await get(`/apis/${WG}/namespaces/mixed/policyreports/ok-2`)).status, 200);
  });

  it('reads stdin with - (NDJSON from the report generator, with bounded concurrency)', async () => {
    const ndjson = execFileSync(process.execPath, [genReportsPath(), '25', 'openreports'], { encoding: 'utf8' });
    const r = await runDocket(importArgs('-'), { input: ndjson });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /25 objects: 25 created, 0 configured, 0 unchanged, 0 failed/);
    const all = await get(`/apis/${OR}/reports`);
    assert.equal(all.body.items.filter((i: any) => i.metadata.labels?.['app.kubernetes.io/managed-by'] === 'kyverno').length, 25);
  });

  it('fails cleanly when the server is unreachable', async () => {
    const file = join(dir, 'one.yaml');
    writeFileSync(file, polrYaml('x', 'pass'));
    const r = await docket(['import', '--server', 'http://127.0.0.1:2', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot reach the Docket API at http:\/\/127\.0\.0\.1:2: ECONNREFUSED/);
  });
});

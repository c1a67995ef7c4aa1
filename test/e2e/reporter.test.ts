/**
 * The reporter end to end: `docket serve --config` with a webhook target pointing at a local
 * receiver; reports written through Docket's API; every new result arrives exactly once, across
 * a graceful restart in the middle of a stream, and with two replicas on one PostgreSQL
 * (skipExistingOnStartup, leader change).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDocket, startDocket } from '../support/docket.ts';
import { createTestDatabase } from '../support/pg.ts';
import { createReport, isLeader, startReceiver, waitFor } from './reporter-support.ts';

function config(receiver: string): string {
  return [
    'target:',
    '  webhook:',
    `    webhook: ${receiver}/all`,
    '    skipExistingOnStartup: false',
    '    channels:',
    '      - name: skip',
    `        webhook: ${receiver}/skip`,
    '        skipExistingOnStartup: true',
    'delivery:',
    '  pollInterval: 200ms',
    'metrics:',
    '  enabled: true',
    '',
  ].join('\n');
}

const range = (from: number, n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${from + i}`);

test('SQLite: new results reach the webhook exactly once across a restart mid-stream', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'docket-rep-e2e-'));
  const receiver = await startReceiver();
  t.after(async () => { await receiver.close(); await rm(dir, { recursive: true, force: true }); });
  const cfg = join(dir, 'docket.yaml');
  await writeFile(cfg, config(receiver.url));
  const store = `sqlite:${join(dir, 'docket.db')}`;

  // A report that exists before the reporter first runs: only the channel without skip gets it.
  let plain = await startDocket(['--listen', '127.0.0.1:0', '--store', store]);
  await createReport(plain.url, 'ns', 'before', ['p0']);
  assert.equal((await plain.stop()).code, 0);

  let docket = await startDocket(['--listen', '127.0.0.1:0', '--store', store, '--config', cfg]);
  await waitFor('p0', () => receiver.policies('/all').length === 1);
  for (let i = 0; i < 40; i++) await createReport(docket.url, 'ns', `r${i}`, [`a${i}`]);
  // Stop in the middle of delivering the stream; the restart continues from the outbox and cursor.
  assert.equal((await docket.stop()).code, 0, docket.stderr().slice(-2000));
  docket = await startDocket(['--listen', '127.0.0.1:0', '--store', store, '--config', cfg]);
  for (let i = 40; i < 60; i++) await createReport(docket.url, 'ns', `r${i}`, [`a${i}`]);
  const want = range(0, 60, 'a');
  await waitFor('every result', () => receiver.policies('/all').length >= 61 && receiver.policies('/skip').length >= 60);
  await new Promise((r) => setTimeout(r, 500)); // anything repeated would show up now
  assert.deepEqual(receiver.policies('/all'), [...want, 'p0'].sort());
  assert.deepEqual(receiver.policies('/skip'), [...want].sort());
  const metrics = await (await fetch(`${docket.url}/metrics`)).text();
  assert.match(metrics, /^docket_reporter_leader 1$/m);
  // Delivery state through the served API and the CLI: every row of both targets is sent.
  const summary = await (await fetch(`${docket.url}/docket/v1/deliveries/summary`)).json() as unknown;
  assert.match(JSON.stringify(summary), /"sent"/);
  const listed = await runDocket(['deliveries', 'list', '--target', 'skip', '--state', 'sent', '--limit', '500', '-o', 'json', '-s', docket.url]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal((JSON.parse(listed.stdout) as { items: unknown[] }).items.length, 60);
  assert.equal((await docket.stop()).code, 0);
});

test('PostgreSQL: two replicas, skipExistingOnStartup once, leader change without loss or repeat', async (t) => {
  const db = await createTestDatabase('reporter_e2e');
  const dir = await mkdtemp(join(tmpdir(), 'docket-rep-ha-'));
  const receiver = await startReceiver();
  t.after(async () => { await receiver.close(); await db.drop(); await rm(dir, { recursive: true, force: true }); });
  const cfg = join(dir, 'docket.yaml');
  await writeFile(cfg, config(receiver.url));

  const plain = await startDocket(['--listen', '127.0.0.1:0', '--store', db.url]);
  await createReport(plain.url, 'ns', 'before', ['p0']);
  assert.equal((await plain.stop()).code, 0);

  const a = await startDocket(['--listen', '127.0.0.1:0', '--store', db.url, '--config', cfg]);
  const b = await startDocket(['--listen', '127.0.0.1:0', '--store', db.url, '--config', cfg]);
  const replicas = [a, b];
  t.after(async () => { for (const r of replicas) await r.stop().catch(() => {}); });
  await waitFor('one leader', async () => (await isLeader(a.url)) !== (await isLeader(b.url)));
  await waitFor('p0', () => receiver.policies('/all').length === 1);
  // Writes go to both replicas; only the leader detects and sends.
  for (let i = 0; i < 20; i++) await createReport(replicas[i % 2]!.url, 'ns', `r${i}`, [`b${i}`]);
  await waitFor('first half', () => receiver.policies('/skip').length >= 20);

  const leader = (await isLeader(a.url)) ? a : b;
  const follower = leader === a ? b : a;
  // Result gauges follow the store on every replica, the follower too.
  assert.equal(await isLeader(follower.url), false);
  await waitFor('follower gauges', async () => /^policy_report_result\{[^}]*policy="b19"/m.test(await (await fetch(`${follower.url}/metrics`)).text()));
  for (let i = 20; i < 30; i++) await createReport(follower.url, 'ns', `r${i}`, [`b${i}`]);
  assert.equal((await leader.stop()).code, 0);
  for (let i = 30; i < 40; i++) await createReport(follower.url, 'ns', `r${i}`, [`b${i}`]);
  await waitFor('the follower leads', () => isLeader(follower.url));
  const want = range(0, 40, 'b');
  await waitFor('every result', () => receiver.policies('/all').length >= 41 && receiver.policies('/skip').length >= 40, 30_000);
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(receiver.policies('/all'), [...want, 'p0'].sort());
  assert.deepEqual(receiver.policies('/skip'), [...want].sort(), 'skipExistingOnStartup held once for both replicas');
});

test('serve --config: an invalid file is a usage error naming the path and key', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'docket-rep-bad-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const cfg = join(dir, 'docket.yaml');
  await writeFile(cfg, 'target:\n  webhook:\n    webhook: http://127.0.0.1:1/x\n    skipExistingOnStratup: true\n');
  const r = await runDocket(['serve', '--listen', '127.0.0.1:0', '--store', `sqlite:${join(dir, 'd.db')}`, '--config', cfg]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /invalid --config .*docket\.yaml/);
  assert.match(r.stderr, /target\.webhook: Unrecognized key "skipExistingOnStratup"/);
});

test('a remote Docket API server as a cluster source: its reports are mirrored and notified', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'docket-rep-remote-'));
  const receiver = await startReceiver();
  t.after(async () => { await receiver.close(); await rm(dir, { recursive: true, force: true }); });
  const remote = await startDocket(['--listen', '127.0.0.1:0', '--store', `sqlite:${join(dir, 'remote.db')}`]);
  t.after(() => remote.stop().then(() => {}));
  await createReport(remote.url, 'team-a', 'existing', ['e1']);
  const cfg = join(dir, 'docket.yaml');
  await writeFile(cfg, [
    'sources:', '  kubernetes:', `    - { name: prod, server: "${remote.url}", namespaces: { exclude: ["kube-*"] } }`,
    'target:', '  webhook:', `    webhook: ${receiver.url}/hook`, '    skipExistingOnStartup: false',
    'delivery: { pollInterval: 200ms }', '',
  ].join('\n'));
  const local = await startDocket(['--listen', '127.0.0.1:0', '--store', `sqlite:${join(dir, 'local.db')}`, '--config', cfg]);
  t.after(() => local.stop().then(() => {}));
  await waitFor('existing result', () => receiver.policies('/hook').length === 1);
  await createReport(remote.url, 'kube-system', 'k', ['k1']);
  await createReport(remote.url, 'team-a', 'new', ['n1', 'n2']);
  await waitFor('new results', () => receiver.policies('/hook').length >= 3);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(receiver.policies('/hook'), ['e1', 'n1', 'n2']);
});

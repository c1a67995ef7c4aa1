import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlreadyExistsError, ConflictError, GoneError, NotFoundError, UnavailableError } from '@docket/model';
import { backoffDelay, createReportClient, errorForStatus, isRetryable, KubeRequestError, kubeConfigForServer, loadKubeConfig, serverOf, toKubeError } from '../src/index.ts';
import { startInProcessDocket, type InProcessDocket } from './support/inprocess-docket.ts';
import { POLR } from './support/reports.ts';

describe('error mapping and backoff', () => {
  it('maps HTTP statuses and Status bodies to typed errors', () => {
    const cases: [number, unknown, new (...a: never[]) => Error][] = [
      [404, '{"reason":"NotFound","message":"x not found"}', NotFoundError],
      [409, { reason: 'AlreadyExists' }, AlreadyExistsError],
      [409, { reason: 'Conflict' }, ConflictError],
      [410, { reason: 'Expired' }, GoneError],
      [500, undefined, UnavailableError],
      [429, undefined, UnavailableError],
      [403, { reason: 'Forbidden', message: 'no' }, KubeRequestError],
    ];
    for (const [code, body, type] of cases) assert.ok(errorForStatus(code, body) instanceof type, `${code} ${JSON.stringify(body)}`);
    assert.equal(errorForStatus(404, '{"message":"x not found"}').message, 'x not found');
    assert.ok(isRetryable(toKubeError(Object.assign(new Error('connect ECONNREFUSED'), { name: 'FetchError', code: 'ECONNREFUSED' }))));
    const typed = new ConflictError('c');
    assert.equal(toKubeError(typed), typed, 'typed errors pass through');
    assert.ok(!isRetryable(new ConflictError('c')));
  });

  it('backoff grows, is capped and jittered within [d/2, d]', () => {
    const o = { initialMs: 100, maxMs: 1000 };
    assert.equal(backoffDelay(0, o, () => 0), 50);
    assert.equal(backoffDelay(0, o, () => 1), 100);
    assert.equal(backoffDelay(3, o, () => 1), 800);
    assert.equal(backoffDelay(10, o, () => 1), 1000);
  });
});

describe('kubeconfig loading', () => {
  let docket: InProcessDocket;
  let dir: string;
  before(async () => {
    docket = await startInProcessDocket(60_000);
    dir = mkdtempSync(join(tmpdir(), 'docket-kube-'));
  });
  after(async () => {
    await docket?.close();
  });

  it('reads a kubeconfig file, honours the chosen context and reaches the server it names', async () => {
    const file = join(dir, 'config');
    writeFileSync(file, [
      'apiVersion: v1', 'kind: Config', 'current-context: elsewhere',
      'clusters:',
      '- name: docket', `  cluster: { server: "${docket.url}", insecure-skip-tls-verify: true }`,
      '- name: far', '  cluster: { server: "https://far.example:6443" }',
      'users:', '- name: u', '  user: { token: abc }',
      'contexts:',
      '- name: local', '  context: { cluster: docket, user: u }',
      '- name: elsewhere', '  context: { cluster: far, user: u }',
    ].join('\n'));
    assert.equal(serverOf(loadKubeConfig({ kubeconfig: file })), 'https://far.example:6443');
    const kc = loadKubeConfig({ kubeconfig: file, context: 'local' });
    assert.equal(serverOf(kc), docket.url);
    const page = await createReportClient(kc).list(POLR);
    assert.deepEqual(page.items, []);
    assert.match(page.resourceVersion, /^\d+$/);
    assert.throws(() => loadKubeConfig({ kubeconfig: file, context: 'nope' }), /no context "nope".*local, elsewhere/);
  });

  it('points at a plain URL; http needs no TLS settings, https keeps verification', () => {
    assert.equal(serverOf(loadKubeConfig({ server: 'http://127.0.0.1:8080/' })), 'http://127.0.0.1:8080');
    assert.equal(kubeConfigForServer('https://10.0.0.1:6443').getCurrentCluster()?.skipTLSVerify, false);
    assert.throws(() => kubeConfigForServer('not a url'));
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatHeartbeat, formatWebhook, webhookTarget } from '../src/index.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, NOW, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

describe('webhook format', () => {
  it('maps a result to the standard JSON with custom fields merged into properties', () => {
    assert.deepEqual(formatWebhook(notification(), NOW, { cluster: 'prod' }), {
      resultId: 'r-1', message: 'label team is required', policy: 'require-labels', rule: 'check-team',
      status: 'fail', severity: 'high', category: 'Best Practices', scored: false, source: 'kyverno',
      properties: { version: '1.2', cluster: 'prod' },
      resource: { apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'shop', uid: 'u-1' },
      report: { name: 'pol-web-0', namespace: 'shop', kind: 'PolicyReport' },
      creationTimestamp: '2026-11-18T11:06:40.000Z',
    });
  });
  it('falls back to the report scope and to now; marks fixed results', () => {
    const n = notification({ fixed: true, scope: { kind: 'Namespace', name: 'shop' }, resultOverrides: { resources: [], timestamp: undefined, properties: undefined } });
    const out = formatWebhook(n, NOW);
    assert.deepEqual(out['resource'], { apiVersion: '', kind: 'Namespace', name: 'shop', namespace: '', uid: '' });
    assert.equal(out['creationTimestamp'], '2026-11-22T12:00:00.000Z');
    assert.equal(out['fixed'], true);
    assert.deepEqual(out['properties'], {});
  });
  it('heartbeat', () => {
    assert.deepEqual(formatHeartbeat(NOW, { cluster: 'a', event: 'x' }), { cluster: 'a', event: 'heartbeat', time: '2026-11-22T12:00:00Z' });
  });
  it('rejects a bad keepalive interval', () => {
    assert.equal(webhookTarget.configSchema.safeParse({ webhook: 'http://x', keepalive: { interval: '5 minutes' } }).success, false);
    assert.equal(webhookTarget.configSchema.safeParse({ webhook: 'http://x', keepalive: { interval: '1m30s' } }).success, true);
  });
});

describe('webhook send', () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver(); });
  after(() => receiver.close());

  it('posts the result with token and custom headers', async () => {
    const config = webhookTarget.configSchema.parse({ webhook: `${receiver.url}/in?x=1`, token: 'Bearer t', headers: { 'X-Env': 'prod' } });
    const target = webhookTarget.create(config, testDeps());
    await target.send([notification()], ctx());
    const req = receiver.requests.at(-1)!;
    assert.deepEqual([req.method, req.path, req.headers['authorization'], req.headers['x-env'], req.headers['content-type'], req.headers['user-agent']],
      ['POST', '/in?x=1', 'Bearer t', 'prod', 'application/json', 'Docket']);
    assert.deepEqual(receiver.json(), formatWebhook(notification(), NOW));
  });

  it('sends keepalive heartbeats until closed', async () => {
    receiver.requests.length = 0;
    const config = webhookTarget.configSchema.parse({ webhook: `${receiver.url}/hb`, keepalive: { interval: '30ms', params: { cluster: 'c1' } } });
    const target = webhookTarget.create(config, testDeps());
    const deadline = Date.now() + 3000;
    while (receiver.requests.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await target.close!();
    assert.ok(receiver.requests.length >= 2, `only ${receiver.requests.length} heartbeats`);
    assert.deepEqual(receiver.json(0), { cluster: 'c1', event: 'heartbeat', time: '2026-11-22T12:00:00Z' });
    const seen = receiver.requests.length;
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(receiver.requests.length <= seen + 1, 'heartbeats continued after close');
  });
});

runTargetContract(webhookTarget, { config: (url) => ({ webhook: `${url}/hook` }) });

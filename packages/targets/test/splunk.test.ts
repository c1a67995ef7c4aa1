import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatSplunk, formatWebhook, splunkTarget } from '../src/index.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, NOW, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

describe('splunk format', () => {
  it('one HEC event per result with time, sourcetype and index', () => {
    const a = notification();
    const b = notification({ resultId: 'r-2', resultOverrides: { timestamp: undefined } });
    const lines = formatSplunk([a, b], NOW, { sourcetype: 'Policy-Reporter', index: 'k8s' }).split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines, [
      { time: 1795000000, sourcetype: 'Policy-Reporter', index: 'k8s', event: formatWebhook(a, NOW) },
      { time: 1795348800, sourcetype: 'Policy-Reporter', index: 'k8s', event: formatWebhook(b, NOW) },
    ]);
  });
});

describe('splunk send', () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver({ status: 200, body: { text: 'Success', code: 0 } }); });
  after(() => receiver.close());

  it('posts to /services/collector/event with the Splunk token', async () => {
    const config = splunkTarget.configSchema.parse({ host: receiver.url, token: 'abc-123', customFields: { cluster: 'c' } });
    await splunkTarget.create(config, testDeps()).send([notification()], ctx());
    const req = receiver.requests.at(-1)!;
    assert.deepEqual([req.method, req.path, req.headers['authorization'], req.headers['content-type']], ['POST', '/services/collector/event', 'Splunk abc-123', 'application/json']);
    assert.equal(req.text, formatSplunk([notification()], NOW, { sourcetype: 'Policy-Reporter', customFields: { cluster: 'c' } }));
  });

  it('keeps a full collector URL', async () => {
    const config = splunkTarget.configSchema.parse({ host: `${receiver.url}/services/collector`, token: 't' });
    await splunkTarget.create(config, testDeps()).send([notification()], ctx());
    assert.equal(receiver.requests.at(-1)!.path, '/services/collector');
  });

  it('requires a token', () => assert.equal(splunkTarget.configSchema.safeParse({ host: 'http://x' }).success, false));
});

runTargetContract(splunkTarget, { config: (url) => ({ host: url, token: 't' }), ok: () => ({ status: 200, body: { text: 'Success', code: 0 } }) });

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { elasticsearchTarget, formatBulk, formatDocument, indexName, SendError } from '../src/index.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, manyNotifications, NOW, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

describe('elasticsearch format', () => {
  it('index rotation', () => {
    const at = Date.UTC(2026, 0, 5, 23, 59);
    assert.deepEqual(
      (['daily', 'monthly', 'annually', 'none'] as const).map((r) => indexName('pr', r, at)),
      ['pr-2026.01.05', 'pr-2026.01', 'pr-2026', 'pr'],
    );
  });
  it('bulk body: action + document per result, trailing newline', () => {
    const body = formatBulk(manyNotifications(2), 'idx', NOW, { c: 'd' });
    assert.ok(body.endsWith('\n'));
    const lines = body.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines, [
      { index: { _index: 'idx', _id: 'r-0' } }, formatDocument(manyNotifications(2)[0]!, NOW, { c: 'd' }),
      { index: { _index: 'idx', _id: 'r-1' } }, formatDocument(manyNotifications(2)[1]!, NOW, { c: 'd' }),
    ]);
    assert.deepEqual((lines[1] as { properties: unknown }).properties, { version: '1.2', c: 'd' });
  });
});

describe('elasticsearch send', () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver({ status: 200, body: { errors: false, items: [] } }); });
  after(() => receiver.close());

  it('_bulk with API key auth and ndjson', async () => {
    const config = elasticsearchTarget.configSchema.parse({ host: receiver.url, index: 'reports', rotation: 'monthly', apiKey: 'a2V5' });
    await elasticsearchTarget.create(config, testDeps()).send(manyNotifications(3), ctx());
    const req = receiver.requests.at(-1)!;
    assert.deepEqual([req.method, req.path, req.headers['authorization'], req.headers['content-type']], ['POST', '/_bulk', 'ApiKey a2V5', 'application/x-ndjson']);
    assert.equal(req.text, formatBulk(manyNotifications(3), 'reports-2026.11', NOW));
  });

  it('single documents: PUT under the result id with basic auth (typeless and legacy)', async () => {
    for (const [typelessApi, type] of [[true, '_doc'], [false, 'event']] as const) {
      const config = elasticsearchTarget.configSchema.parse({ host: receiver.url, bulk: false, typelessApi, rotation: 'none', username: 'elastic', password: 'pw' });
      const target = elasticsearchTarget.create(config, testDeps());
      assert.equal(target.maxBatch, 1);
      await target.send([notification({ resultId: 'a/b' })], ctx());
      const req = receiver.requests.at(-1)!;
      assert.deepEqual([req.method, req.path, req.headers['authorization']], ['PUT', `/policy-reporter/${type}/a%2Fb`, `Basic ${Buffer.from('elastic:pw').toString('base64')}`]);
      assert.deepEqual(receiver.json(), formatDocument(notification({ resultId: 'a/b' }), NOW));
    }
  });

  it('bulk item failures: retryable only when every failed item is', async () => {
    const send = async (statuses: number[]) => {
      receiver.respond({ status: 200, body: { errors: true, items: statuses.map((status, i) => ({ index: { _id: `r-${i}`, status, ...(status >= 300 ? { error: { type: 't', reason: 'why' } } : {}) } })) } });
      const config = elasticsearchTarget.configSchema.parse({ host: receiver.url });
      return elasticsearchTarget.create(config, testDeps()).send(manyNotifications(statuses.length), ctx()).then(() => undefined, (e: unknown) => e);
    };
    const a = await send([201, 429, 503]);
    assert.ok(a instanceof SendError);
    assert.deepEqual([a.retryable, a.failedResultIds], [true, ['r-1', 'r-2']]);
    const b = await send([201, 400, 503]);
    assert.ok(b instanceof SendError);
    assert.deepEqual([b.retryable, b.status, b.failedResultIds], [false, 400, ['r-1', 'r-2']]);
    assert.match(b.message, /2 of 3 bulk items failed, first: 400 t why/);
    assert.equal(await send([200, 201]), undefined);
  });
});

runTargetContract(elasticsearchTarget, { config: (url) => ({ host: url }), ok: () => ({ status: 200, body: { errors: false, items: [] } }) });

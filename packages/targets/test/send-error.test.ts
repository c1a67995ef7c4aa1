import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isRetryableStatus, parseRetryAfter, request, SendError } from '../src/index.ts';
import { ctx, NOW, testDeps } from './support/fixtures.ts';
import { refusedUrl, startReceiver, type Receiver } from './support/receiver.ts';

describe('parseRetryAfter', () => {
  const cases: Array<[string | null | undefined, number | undefined]> = [
    [undefined, undefined], [null, undefined], ['', undefined], ['  ', undefined],
    ['0', 0], ['120', 120_000], [' 7 ', 7000], ['1.5', 1500], ['0.0011', 2],
    ['-3', undefined], ['soon', undefined], ['1e3', undefined],
    ['Sun, 22 Nov 2026 12:00:30 GMT', 30_000],
    ['Sunday, 22-Nov-26 12:01:00 GMT', 60_000],
    ['Sun Nov 22 12:00:05 2026', 5_000 + new Date(2026, 10, 22, 12, 0, 0).getTimezoneOffset() * 60_000],
    ['Sun, 22 Nov 2026 11:00:00 GMT', 0],
    ['Xyz, 99 Foo 2026 99:00:00 GMT', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(parseRetryAfter(input, NOW), expected));
  }
});

describe('isRetryableStatus', () => {
  const cases: Array<[number, boolean]> = [[400, false], [401, false], [403, false], [404, false], [408, true], [413, false], [422, false], [425, true], [429, true], [500, true], [502, true], [503, true], [504, true]];
  for (const [status, expected] of cases) it(`${status} → ${expected}`, () => assert.equal(isRetryableStatus(status), expected));
});

describe('request classification against a real receiver', () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver(); });
  after(() => receiver.close());

  const send = (url = receiver.url) => request(testDeps(), 'test', { url, body: { a: 1 } }, ctx()).then(() => undefined, (e: unknown) => e);

  it('200 resolves', async () => {
    receiver.respond({ status: 200, body: { ok: true } });
    assert.equal(await send(), undefined);
  });
  it('400 is not retryable and keeps the body excerpt', async () => {
    receiver.respond({ status: 400, body: 'invalid_payload' });
    const err = await send();
    assert.ok(err instanceof SendError);
    assert.deepEqual([err.retryable, err.status, err.retryAfterMs, err.message], [false, 400, undefined, 'test: HTTP 400: invalid_payload']);
  });
  it('429 with Retry-After seconds is retryable after that delay', async () => {
    receiver.respond({ status: 429, headers: { 'retry-after': '17' }, body: '' });
    const err = await send();
    assert.ok(err instanceof SendError);
    assert.deepEqual([err.retryable, err.status, err.retryAfterMs], [true, 429, 17_000]);
  });
  it('429 with an HTTP-date Retry-After', async () => {
    receiver.respond({ status: 429, headers: { 'retry-after': new Date(NOW + 90_000).toUTCString() } });
    const err = await send();
    assert.ok(err instanceof SendError);
    assert.equal(err.retryAfterMs, 90_000);
  });
  it('500 is retryable without a delay hint', async () => {
    receiver.respond({ status: 500, body: 'x'.repeat(1000) });
    const err = await send();
    assert.ok(err instanceof SendError);
    assert.deepEqual([err.retryable, err.status, err.retryAfterMs], [true, 500, undefined]);
    assert.ok(err.message.length < 400, 'body excerpt is bounded');
  });
  it('a refused connection is retryable', async () => {
    const err = await send(await refusedUrl());
    assert.ok(err instanceof SendError);
    assert.equal(err.retryable, true);
    assert.match(err.message, /network error: ECONNREFUSED/);
  });
  it('an aborted request is retryable', async () => {
    receiver.respond({ status: 200 });
    const err = await request(testDeps(), 'test', { url: receiver.url, body: {} }, { signal: AbortSignal.abort() }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof SendError);
    assert.equal(err.retryable, true);
    assert.match(err.message, /aborted/);
  });
});

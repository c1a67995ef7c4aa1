/** Retry policy: full-jitter backoff bounds, Retry-After, 429 floor, error classification. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SendError, toSendError } from '@docket/targets';
import { createLane } from '../src/dispatch/lane.ts';
import { classifyFailure, deliverySchema, dispatcherOptions, retryDelayMs } from '@docket/reporter';

const o = { baseMs: 1000, maxMs: 60_000, maxRetryAfterMs: 600_000 };

it('full jitter: uniform below base·2^(attempt-1), capped at max', () => {
  assert.equal(retryDelayMs(1, {}, o, () => 0), 0);
  assert.equal(retryDelayMs(1, {}, o, () => 0.999999), 999);
  assert.equal(retryDelayMs(3, {}, o, () => 0.5), 2000);
  assert.equal(retryDelayMs(4, {}, o, () => 0.999999), 7999);
  assert.equal(retryDelayMs(30, {}, o, () => 0.5), 30_000);
  assert.equal(retryDelayMs(5000, {}, o, () => 0.5), 30_000, 'no overflow at huge attempt counts');
});

it('a Retry-After wins over the backoff, within its own cap; a bare 429 waits at least base', () => {
  assert.equal(retryDelayMs(1, { retryAfterMs: 120_000, status: 429 }, o, () => 0), 120_000);
  assert.equal(retryDelayMs(9, { retryAfterMs: 5_000_000 }, o, () => 0.9), 600_000);
  assert.equal(retryDelayMs(1, { status: 429 }, o, () => 0), 1000);
  assert.equal(retryDelayMs(1, { status: 500 }, o, () => 0), 0);
});

it('classifies SendErrors as the targets made them, anything else as retryable', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const r429 = classifyFailure(toSendError('slack', 429, 'rate limited', '7', now));
  assert.deepEqual({ ...r429, message: undefined }, { retryable: true, retryAfterMs: 7000, status: 429, message: undefined });
  const r400 = classifyFailure(toSendError('slack', 400, 'invalid_blocks', null, now));
  assert.equal(r400.retryable, false);
  assert.match(r400.message, /HTTP 400: invalid_blocks/);
  const partial = classifyFailure(new SendError('bulk: 1 of 3 rejected', { retryable: true, failedResultIds: ['b'] }));
  assert.deepEqual([...partial.failedResultIds!], ['b']);
  const bug = classifyFailure(new TypeError('x is undefined'));
  assert.deepEqual(bug, { retryable: true, message: 'TypeError: x is undefined' });
});

it('maps the delivery section of the config onto dispatcher options', () => {
  assert.deepEqual(dispatcherOptions(deliverySchema.parse({ concurrency: 1, maxAttempts: 5, backoff: { base: '250ms', max: '1m' }, sendTimeout: '10s', pollInterval: 2 })), {
    concurrency: 1, maxAttempts: 5, backoff: { baseMs: 250, maxMs: 60_000 }, sendTimeoutMs: 10_000, pollIntervalMs: 2000,
  });
});

it('a lane keeps a wake-up that came while its slot was busy', async () => {
  const lane = createLane();
  const seen = lane.seen();
  lane.wake(); // nobody sleeps yet: the slot is claiming
  const hour = 3_600_000;
  let timer: NodeJS.Timeout | undefined;
  const won = await Promise.race([lane.sleep(hour, seen).then(() => 'woken'), new Promise((r) => { timer = setTimeout(() => r('slept'), 2000); })]);
  clearTimeout(timer);
  assert.equal(won, 'woken');
  const sleeping = lane.sleep(hour, lane.seen()).then(() => 'woken');
  lane.wake();
  assert.equal(await sleeping, 'woken');
  lane.close();
  assert.equal(await lane.sleep(hour).then(() => 'closed'), 'closed');
});

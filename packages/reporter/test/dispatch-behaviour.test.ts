/**
 * Dispatcher behaviour on a real SQLite outbox and real sockets: the send deadline (AbortSignal,
 * and a target that ignores it), partial batch success, unreadable payloads, bounded memory with
 * a large backlog, wake(), stop() waiting for in-flight sends, and the metrics hooks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { openDeliveryStore, type DeliveryStore } from '@docket/store';
import { SendError, type Target } from '@docket/targets';
import { createDispatcher, noopDispatcherMetrics, ONE_BY_ONE_CLAIM, reportQueueDepth, type DispatcherMetrics } from '@docket/reporter';
import { batchTarget, deliveries, duplicates, startReceiver, waitFor, webhook } from './dispatch-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'docket-dispatch-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => openDeliveryStore(`sqlite:${join(dir, `d${++n}.db`)}`);
const allSent = (s: DeliveryStore) => async () => (await s.counts()).every((c) => c.state === 'sent');

it('aborts a send at the deadline and retries it, also when the target ignores the signal', async () => {
  const store = await fresh();
  const receiver = await startReceiver();
  let slow = 2;
  receiver.answer(() => (slow-- > 0 ? { status: 200, delayMs: 3000 } : { status: 200 }));
  let hung = 0;
  let aborted = 0;
  const deaf: Target = {
    type: 'deaf', name: 'deaf', maxBatch: 1,
    send: (_b, ctx) => {
      ctx.signal.addEventListener('abort', () => aborted++);
      return hung++ < 1 ? new Promise(() => undefined) : Promise.resolve();
    },
  };
  const d = createDispatcher({ store, targets: new Map([['hook', webhook(receiver.url)], ['deaf', deaf]]), sendTimeoutMs: 300, backoff: { baseMs: 10, maxMs: 20 }, pollIntervalMs: 50 });
  try {
    await store.enqueue([...deliveries('hook', 1), ...deliveries('deaf', 1, 'd')]);
    d.start();
    await waitFor('both delivered', allSent(store));
    const rows = (await store.list({})).items;
    const hook = rows.find((r) => r.target === 'hook')!;
    assert.equal(hook.attempts, 3);
    assert.match(hook.lastError ?? '', /^hook: send timed out after 300 ms/);
    assert.equal(receiver.hits.length, 3);
    const deafRow = rows.find((r) => r.target === 'deaf')!;
    assert.equal(deafRow.attempts, 2);
    assert.match(deafRow.lastError ?? '', /^deaf: send timed out after 300 ms/);
    assert.equal(aborted, 1, 'the signal told the target to give up');
  } finally {
    await d.stop();
    await receiver.close();
    await store.close();
  }
});

it('marks the accepted part of a partly failed batch sent and retries only the rest', async () => {
  const store = await fresh();
  const got: string[] = [];
  let first = true;
  const partial: Target = {
    type: 'partial', name: 'partial', maxBatch: 10,
    async send(batch) {
      const ids = batch.map((x) => x.resultId);
      if (first) {
        first = false;
        got.push(...ids.filter((id) => id !== 'r0001'));
        throw new SendError('partial: 1 item rejected', { retryable: true, failedResultIds: ['r0001'] });
      }
      got.push(...ids);
    },
  };
  const d = createDispatcher({ store, targets: new Map([['partial', partial]]), backoff: { baseMs: 5, maxMs: 10 }, pollIntervalMs: 50 });
  try {
    await store.enqueue(deliveries('partial', 4));
    d.start();
    await waitFor('all sent', allSent(store));
    assert.deepEqual(got.sort(), ['r0000', 'r0001', 'r0002', 'r0003']);
    const rows = (await store.list({})).items;
    assert.deepEqual(rows.map((r) => [r.key, r.attempts]), [['r0000', 1], ['r0001', 2], ['r0002', 1], ['r0003', 1]]);
  } finally {
    await d.stop();
    await store.close();
  }
});

it('dead-letters a payload that is not a notification without sending it', async () => {
  const store = await fresh();
  const receiver = await startReceiver();
  const d = createDispatcher({ store, targets: new Map([['hook', webhook(receiver.url)]]), pollIntervalMs: 50 });
  try {
    await store.enqueue([{ target: 'hook', key: 'junk', payload: 'not an object' }, ...deliveries('hook', 1)]);
    d.start();
    await waitFor('settled', async () => (await store.counts(['pending', 'inflight'])).length === 0);
    const rows = (await store.list({})).items;
    assert.deepEqual(rows.map((r) => [r.key, r.state, r.lastError]), [['junk', 'dead', 'payload is not a notification'], ['r0000', 'sent', undefined]]);
    assert.deepEqual(receiver.accepted(), ['r0000']);
  } finally {
    await d.stop();
    await receiver.close();
    await store.close();
  }
});

it('holds at most concurrency × maxBatch rows whatever the backlog', async () => {
  const store = await fresh();
  let held = 0;
  let peakHeld = 0;
  let maxLimit = 0;
  // Counts rows between claim and mark, through the real store.
  const counting: DeliveryStore = {
    ...store,
    async claim(req) {
      maxLimit = Math.max(maxLimit, req.limit);
      const c = await store.claim(req);
      held += c.items.length;
      peakHeld = Math.max(peakHeld, held);
      return c;
    },
    async markSent(token, ids, now) { held -= ids.length; return store.markSent(token, ids, now); },
    async markRetry(token, ids, e, at) { held -= ids.length; return store.markRetry(token, ids, e, at); },
    async markDead(token, ids, e, now) { held -= ids.length; return store.markDead(token, ids, e, now); },
    async release(token, ids) { held -= ids.length; return store.release(token, ids); },
  };
  const receiver = await startReceiver();
  const d = createDispatcher({ store: counting, targets: new Map([['bulk', batchTarget(receiver.url, 25)]]), concurrency: 4, pollIntervalMs: 50 });
  try {
    await store.enqueue(deliveries('bulk', 3000));
    d.start();
    await waitFor('the backlog drained', async () => receiver.accepted().length >= 3000, 60_000);
    assert.equal(maxLimit, 25);
    assert.ok(peakHeld <= 100, `peak rows held ${peakHeld}`);
    assert.ok(peakHeld > 25, 'slots did work in parallel');
    assert.deepEqual(duplicates(receiver.accepted()), []);
  } finally {
    await d.stop();
    await receiver.close();
    await store.close();
  }
});

it('a one-per-request target gets several rows per claim, sent one by one in order; a failure hands the rest back', async () => {
  const store = await fresh();
  let claims = 0;
  let released = 0;
  const counting: DeliveryStore = {
    ...store,
    async claim(req) { const c = await store.claim(req); if (c.items.length) claims++; return c; },
    async release(token, ids) { const n = await store.release(token, ids); released += ids.length; return n; },
  };
  const receiver = await startReceiver();
  let calls = 0;
  receiver.answer(() => (++calls === 5 ? { status: 500 } : { status: 200 }));
  const d = createDispatcher({ store: counting, targets: new Map([['hook', webhook(receiver.url)]]), concurrency: 1, backoff: { baseMs: 10, maxMs: 20 }, pollIntervalMs: 50 });
  try {
    await store.enqueue(deliveries('hook', 40));
    d.start();
    await waitFor('all sent', allSent(store));
    const want = deliveries('hook', 40).map((x) => x.key);
    // Row 5 failed once: its claim's later rows went back unsent and came again after it, in order.
    assert.deepEqual(receiver.accepted(), want);
    assert.equal(receiver.hits.length, 41);
    assert.equal(released, ONE_BY_ONE_CLAIM - 5, 'the rest of the failed claim was handed back');
    assert.ok(claims <= Math.ceil(40 / ONE_BY_ONE_CLAIM) + 2, `claims ${claims} for 40 rows`);
  } finally {
    await d.stop();
    await receiver.close();
    await store.close();
  }
});

it('a one-per-request target sends the next row while the outbox records the previous one', async () => {
  const store = await fresh();
  const log: string[] = [];
  const slowMarks: DeliveryStore = {
    ...store,
    async markSent(token, ids, now) {
      await new Promise((r) => setTimeout(r, 500)); // far longer than a loopback send, even on a loaded machine
      const n = await store.markSent(token, ids, now);
      log.push(`marked ${ids.length}`);
      return n;
    },
  };
  const receiver = await startReceiver();
  receiver.answer((ids) => { log.push(`sent ${ids.join()}`); return { status: 200 }; });
  const d = createDispatcher({ store: slowMarks, targets: new Map([['hook', webhook(receiver.url)]]), concurrency: 1, pollIntervalMs: 50 });
  try {
    await store.enqueue(deliveries('hook', 3));
    d.start();
    await waitFor('all sent', allSent(store));
    assert.deepEqual(log.slice(0, 3), ['sent r0000', 'sent r0001', 'sent r0002'], log.join(' | '));
    assert.equal(log.filter((l) => l.startsWith('marked')).length >= 1, true);
    assert.deepEqual(receiver.accepted(), ['r0000', 'r0001', 'r0002']);
  } finally {
    await d.stop();
    await receiver.close();
    await store.close();
  }
});

it('wake() sends at once although the poll interval is long; stop() waits for the send in flight', async () => {
  const store = await fresh();
  const receiver = await startReceiver();
  receiver.answer(() => ({ status: 200, delayMs: 400 }));
  const d = createDispatcher({ store, targets: new Map([['hook', webhook(receiver.url)]]), pollIntervalMs: 3_600_000, depthIntervalMs: 0 });
  try {
    d.start();
    await new Promise((r) => setTimeout(r, 100)); // the slot found nothing and sleeps for an hour
    await store.enqueue(deliveries('hook', 1));
    d.wake('hook');
    await waitFor('the request arrived', () => receiver.hits.length === 1, 10_000);
    await d.stop();
    assert.ok(receiver.hits[0]!.answeredAt !== undefined, 'stop() returned only after the answer');
    assert.deepEqual((await store.list({})).items.map((r) => r.state), ['sent']);
  } finally {
    await d.stop();
    await receiver.close();
    await store.close();
  }
});

it('reports sends, retries, dead letters and queue depth through the metrics hooks', async () => {
  const store = await fresh();
  const receiver = await startReceiver();
  receiver.answer((ids) => (ids[0] === 'r0000' ? { status: 200 } : ids[0] === 'r0001' ? { status: 500 } : { status: 404 }));
  const calls: string[] = [];
  const depth = new Map<string, number>();
  const metrics: DispatcherMetrics = {
    sent: (t, type, outcome, _s, c = 1) => calls.push(`${t} ${type} ${outcome} ${c}`),
    retried: (t, c = 1) => calls.push(`${t} retried ${c}`),
    deadLettered: (t, c = 1) => calls.push(`${t} dead ${c}`),
    queueDepth: (t, v) => depth.set(`${t} waiting`, v),
    deadLetters: (t, v) => depth.set(`${t} dead`, v),
  };
  const d = createDispatcher({ store, targets: new Map([['hook', webhook(receiver.url)]]), concurrency: 1, maxAttempts: 2, backoff: { baseMs: 5, maxMs: 10 }, pollIntervalMs: 50, metrics });
  try {
    await store.enqueue(deliveries('hook', 3));
    await reportQueueDepth(store, metrics, ['hook', 'idle']);
    assert.deepEqual(Object.fromEntries(depth), { 'hook waiting': 3, 'hook dead': 0, 'idle waiting': 0, 'idle dead': 0 });
    d.start();
    await waitFor('settled', async () => (await store.counts(['pending', 'inflight'])).length === 0);
    await d.stop();
    assert.deepEqual(calls, [
      'hook webhook success 1',
      'hook webhook retry 1', 'hook retried 1',
      'hook webhook dead 1', 'hook dead 1',
      'hook webhook failed 1', 'hook dead 1',
    ]);
    await reportQueueDepth(store, metrics, ['hook']);
    assert.equal(depth.get('hook waiting'), 0);
    assert.equal(depth.get('hook dead'), 2);
    assert.ok(noopDispatcherMetrics.sent('x', 'y', 'success') === undefined);
  } finally {
    await d.stop();
    await receiver.close();
    await store.close();
  }
});

it('hands a claim back unsent when its lease could run out during the send, or the fence is down', async () => {
  const store = await fresh();
  const receiver = await startReceiver();
  let claims = 0;
  let releases = 0;
  let leading = true;
  const slowFirstClaim: DeliveryStore = {
    ...store,
    async claim(req) {
      const c = await store.claim(req);
      // The first claim returns late: less than sendTimeoutMs of its lease is left.
      if (c.items.length && claims++ === 0) await new Promise((r) => setTimeout(r, 250));
      // The second one returns after this replica lost leadership.
      if (c.items.length && claims === 2) leading = false;
      return c;
    },
    // Counted once the release is done: the outbox commits it with the other calls of its turn.
    async release(token, ids) { const n = await store.release(token, ids); releases++; return n; },
  };
  const d = createDispatcher({
    store: slowFirstClaim, targets: new Map([['hook', webhook(receiver.url)]]), sendTimeoutMs: 1000, leaseMs: 1200, pollIntervalMs: 50, fence: () => leading,
  });
  try {
    await store.enqueue(deliveries('hook', 1));
    d.start();
    await waitFor('two claims handed back', () => releases >= 2);
    assert.equal(receiver.hits.length, 0, 'nothing was sent');
    assert.deepEqual((await store.list({})).items.map((r) => [r.state, r.attempts]), [['pending', 0]]);
    leading = true;
    await waitFor('sent once leading again', allSent(store));
    assert.deepEqual(receiver.accepted(), ['r0000']);
    assert.equal((await store.list({})).items[0]!.attempts, 1);
  } finally {
    await d.stop();
    await receiver.close();
    await store.close();
  }
});

it('prunes sent rows after the retention, keeping dead letters', async () => {
  const store = await fresh();
  const receiver = await startReceiver();
  receiver.answer((ids) => (ids[0] === 'r0001' ? { status: 400 } : { status: 200 }));
  const d = createDispatcher({ store, targets: new Map([['hook', webhook(receiver.url)]]), retainSentMs: 1, depthIntervalMs: 50, pollIntervalMs: 50 });
  try {
    await store.enqueue(deliveries('hook', 3));
    d.start();
    await waitFor('sent rows pruned', async () => receiver.accepted().length === 2 && (await store.counts()).every((c) => c.state !== 'sent'));
    assert.deepEqual((await store.list({})).items.map((r) => [r.key, r.state]), [['r0001', 'dead']]);
  } finally {
    await d.stop();
    await receiver.close();
    await store.close();
  }
});

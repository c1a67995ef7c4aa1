/** DeliveryStore contract, part two: claims, leases, fencing, backoff, dead letters, pruning. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openDeliveryStore, type DeliveryStore } from '@docket/store';
import { items, withStore, type FreshUrl } from './delivery-contract.ts';

const ids = (c: { items: Array<{ id: string }> }) => c.items.map((d) => d.id);
const keys = (c: { items: Array<{ key: string }> }) => c.items.map((d) => d.key);

export function deliveryQueueContract(freshUrl: FreshUrl): void {
  it('claims due rows of one target, oldest first, up to the limit, under a lease', async () => {
    await withStore(await freshUrl(), async (s) => {
      await s.enqueue([...items('a', 5), ...items('b', 2)]);
      const now = Date.now();
      const c1 = await s.claim({ target: 'a', owner: 'one', limit: 3, leaseMs: 30_000, now });
      assert.deepEqual(keys(c1), ['k0', 'k1', 'k2']);
      assert.equal(c1.leaseUntil, now + 30_000);
      assert.ok(c1.items.every((d) => d.state === 'inflight' && d.owner === 'one' && d.attempts === 1 && d.leaseUntil === now + 30_000));
      const c2 = await s.claim({ target: 'a', owner: 'two', limit: 10, leaseMs: 30_000, now });
      assert.deepEqual(keys(c2), ['k3', 'k4']);
      assert.notEqual(c2.token, c1.token);
      assert.equal((await s.claim({ target: 'a', owner: 'two', limit: 10, leaseMs: 30_000, now })).items.length, 0);
      assert.equal((await s.list({ target: 'b', state: 'pending' })).items.length, 2);
      assert.equal(await s.markSent(c1.token, ids(c1)), 3);
      assert.deepEqual((await s.list({ state: 'sent' })).items.map((d) => d.key), ['k0', 'k1', 'k2']);
      assert.ok((await s.list({ state: 'sent' })).items.every((d) => d.owner === undefined && d.doneAt !== undefined));
    });
  });

  it('fences marks: after the lease is taken over, the old claim changes nothing', async () => {
    await withStore(await freshUrl(), async (s) => {
      await s.enqueue(items('a', 2));
      const t0 = Date.now();
      const old = await s.claim({ target: 'a', owner: 'old', limit: 2, leaseMs: 1000, now: t0 });
      assert.equal((await s.claim({ target: 'a', owner: 'new', limit: 2, leaseMs: 1000, now: t0 + 999 })).items.length, 0);
      const taken = await s.claim({ target: 'a', owner: 'new', limit: 2, leaseMs: 1000, now: t0 + 1000 });
      assert.deepEqual(ids(taken), ids(old));
      assert.ok(taken.items.every((d) => d.attempts === 2 && d.owner === 'new'));
      assert.equal(await s.markSent(old.token, ids(old)), 0);
      assert.equal(await s.markDead(old.token, ids(old), 'x'), 0);
      assert.equal(await s.markRetry(old.token, ids(old), 'x', t0), 0);
      assert.equal(await s.release(old.token, ids(old)), 0);
      assert.ok((await s.list({})).items.every((d) => d.state === 'inflight' && d.owner === 'new'));
      assert.equal(await s.markSent(taken.token, ids(taken).slice(0, 1)), 1);
      assert.equal(await s.markSent(taken.token, ids(taken)), 1, 'a row already sent is not marked again');
    });
  });

  it('backs off: a retried row waits until next_attempt_at and keeps the last error', async () => {
    await withStore(await freshUrl(), async (s) => {
      await s.enqueue(items('a', 1));
      const t0 = Date.now();
      assert.equal(await s.nextDueAt('a'), (await s.list({})).items[0]!.nextAttemptAt);
      assert.equal(await s.nextDueAt('none'), undefined);
      const c = await s.claim({ target: 'a', owner: 'w', limit: 1, leaseMs: 60_000, now: t0 });
      assert.equal(await s.nextDueAt('a'), t0 + 60_000);
      assert.equal(await s.markRetry(c.token, ids(c), 'HTTP 500', t0 + 5000), 1);
      assert.equal(await s.nextDueAt('a'), t0 + 5000);
      assert.equal((await s.claim({ target: 'a', owner: 'w', limit: 1, leaseMs: 1000, now: t0 + 4999 })).items.length, 0);
      const again = await s.claim({ target: 'a', owner: 'w', limit: 1, leaseMs: 1000, now: t0 + 5000 });
      assert.equal(again.items[0]!.attempts, 2);
      assert.equal(again.items[0]!.lastError, 'HTTP 500');
      await s.markSent(again.token, ids(again));
      assert.equal(await s.nextDueAt('a'), undefined);
    });
  });

  it('ordered claims stop at the first row that is waiting or held', async () => {
    await withStore(await freshUrl(), async (s) => {
      await s.enqueue(items('a', 4));
      const t0 = Date.now();
      const head = await s.claim({ target: 'a', owner: 'w', limit: 1, leaseMs: 60_000, now: t0, ordered: true });
      assert.deepEqual(keys(head), ['k0']);
      assert.equal((await s.claim({ target: 'a', owner: 'w', limit: 10, leaseMs: 60_000, now: t0, ordered: true })).items.length, 0);
      await s.markRetry(head.token, ids(head), 'down', t0 + 1000);
      assert.equal((await s.claim({ target: 'a', owner: 'w', limit: 10, leaseMs: 60_000, now: t0 + 10, ordered: true })).items.length, 0);
      const next = await s.claim({ target: 'a', owner: 'w', limit: 2, leaseMs: 60_000, now: t0 + 1000, ordered: true });
      assert.deepEqual(keys(next), ['k0', 'k1']);
      await s.markDead(next.token, ids(next).slice(0, 1), 'gave up');
      await s.markSent(next.token, ids(next).slice(1));
      assert.deepEqual(keys(await s.claim({ target: 'a', owner: 'w', limit: 10, leaseMs: 60_000, now: t0 + 1000, ordered: true })), ['k2', 'k3']);
      // Unordered claims skip a waiting head.
      await s.enqueue(items('b', 3));
      const tb = Date.now();
      const b0 = await s.claim({ target: 'b', owner: 'w', limit: 1, leaseMs: 60_000, now: tb });
      await s.markRetry(b0.token, ids(b0), 'down', tb + 100_000);
      assert.deepEqual(keys(await s.claim({ target: 'b', owner: 'w', limit: 10, leaseMs: 60_000, now: tb })), ['k1', 'k2']);
    });
  });

  it('dead-letters with the last error, requeues dead rows, releases unsent rows', async () => {
    await withStore(await freshUrl(), async (s) => {
      await s.enqueue([...items('a', 3), ...items('b', 1)]);
      const c = await s.claim({ target: 'a', owner: 'w', limit: 3, leaseMs: 60_000 });
      assert.equal(await s.markDead(c.token, ids(c).slice(0, 2), 'HTTP 400: bad payload'), 2);
      assert.equal(await s.release(c.token, ids(c).slice(2)), 1);
      const rows = (await s.list({ target: 'a' })).items;
      assert.deepEqual(rows.map((d) => [d.state, d.attempts, d.lastError]), [
        ['dead', 1, 'HTTP 400: bad payload'], ['dead', 1, 'HTTP 400: bad payload'], ['pending', 0, undefined],
      ]);
      const cb = await s.claim({ target: 'b', owner: 'w', limit: 1, leaseMs: 60_000 });
      await s.markDead(cb.token, ids(cb), 'nope');
      assert.equal(await s.requeueDead('a'), 2);
      assert.deepEqual((await s.list({ target: 'a' })).items.map((d) => [d.state, d.attempts]), [['pending', 0], ['pending', 0], ['pending', 0]]);
      assert.equal((await s.list({ state: 'dead' })).items.length, 1);
      assert.equal(await s.requeueDead(), 1);
    });
  });

  it('prunes sent rows done before the cutoff only', async () => {
    await withStore(await freshUrl(), async (s) => {
      await s.enqueue(items('a', 4));
      const c = await s.claim({ target: 'a', owner: 'w', limit: 4, leaseMs: 60_000 });
      await s.markSent(c.token, ids(c).slice(0, 2), 1000);
      await s.markSent(c.token, ids(c).slice(2, 3), 5000);
      await s.markDead(c.token, ids(c).slice(3), 'x', 10);
      assert.equal(await s.pruneSent(2000, 1), 1);
      assert.equal(await s.pruneSent(2000), 1);
      assert.equal(await s.pruneSent(2000), 0);
      assert.deepEqual((await s.list({})).items.map((d) => [d.key, d.state]), [['k2', 'sent'], ['k3', 'dead']]);
    });
  });

  it('two store instances claiming one target at once never get the same row', async () => {
    const url = await freshUrl();
    const stores: DeliveryStore[] = [await openDeliveryStore(url), await openDeliveryStore(url)];
    try {
      await stores[0]!.enqueue(items('a', 60));
      const got: string[][] = [[], []];
      await Promise.all(stores.map(async (s, i) => {
        for (;;) {
          const c = await s.claim({ target: 'a', owner: `w${i}`, limit: 3, leaseMs: 60_000 });
          if (!c.items.length) break;
          got[i]!.push(...c.items.map((d) => d.key));
          assert.equal(await s.markSent(c.token, ids(c)), c.items.length);
        }
      }));
      const all = [...got[0]!, ...got[1]!];
      assert.equal(all.length, 60);
      assert.equal(new Set(all).size, 60);
    } finally {
      for (const s of stores) await s.close();
    }
  });
}

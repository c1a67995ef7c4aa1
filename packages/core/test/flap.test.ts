import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createExpiryQueue } from '@docket/core';

test('expiry queue pops entries in order once expired', () => {
  const q = createExpiryQueue<string>(100);
  const s1 = q.push('r1', 'a', 1000);
  const s2 = q.push('r1', 'b', 2000);
  const s3 = q.push('r2', 'c', 2000);
  assert.deepEqual([s1, s2, s3], [0, 1, 2]);
  assert.equal(q.expiresAt(s2), 2000);
  const seen: Array<[string, string, number]> = [];
  q.sweep(999, (o, k, s) => seen.push([o, k, s]));
  assert.equal(seen.length, 0);
  q.sweep(1000, (o, k, s) => seen.push([o, k, s]));
  assert.deepEqual(seen, [['r1', 'a', 0]]);
  assert.equal(q.expiresAt(s1), undefined);
  assert.equal(q.size, 2);
  q.sweep(5000, (o, k, s) => seen.push([o, k, s]));
  assert.deepEqual(seen.slice(1), [['r1', 'b', 1], ['r2', 'c', 2]]);
  assert.equal(q.size, 0);
  // Sequence numbers keep growing after the queue emptied.
  assert.equal(q.push('r', 'd', 6000), 3);
  assert.equal(q.expiresAt(3), 6000);
});

test('expiry queue forgets the oldest entries beyond its capacity', () => {
  const q = createExpiryQueue<number>(3);
  for (let i = 0; i < 5; i++) q.push(i, `k${i}`, 10_000 + i);
  const popped: string[] = [];
  q.sweep(0, (_o, k) => popped.push(k));
  assert.deepEqual(popped, ['k0', 'k1']);
  assert.equal(q.size, 3);
});

test('lanes keep sequence numbers of two queues apart', () => {
  const a = createExpiryQueue<string>(10, 0, 2);
  const b = createExpiryQueue<string>(10, 1, 2);
  const sa = [a.push('o', 'x', 1), a.push('o', 'y', 2)];
  const sb = [b.push('o', 'x', 1), b.push('o', 'y', 2)];
  assert.deepEqual(sa, [0, 2]);
  assert.deepEqual(sb, [1, 3]);
  assert.equal(a.expiresAt(1), undefined);
  assert.equal(b.expiresAt(3), 2);
});

test('expiry queue stays correct across compaction (many pushes and sweeps)', () => {
  const q = createExpiryQueue<number>(1_000_000);
  const live = new Map<number, number>();
  for (let t = 0; t < 5000; t++) {
    const seq = q.push(t, `k${t}`, t + 100);
    live.set(seq, t + 100);
    q.sweep(t, (_o, _k, s) => {
      assert.ok(live.get(s)! <= t, `popped ${s} early`);
      live.delete(s);
    });
    assert.equal(q.size, live.size);
  }
  for (const [seq, exp] of live) assert.equal(q.expiresAt(seq), exp);
});

/**
 * Two dispatchers (two replicas, two pools) on one PostgreSQL outbox: claims never overlap, so
 * every notification is delivered exactly once; when one replica's fence drops (it lost
 * leadership) it starts no more sends and the other finishes the backlog.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openDeliveryStore } from '@docket/store';
import { createDispatcher } from '@docket/reporter';
import { createTestDatabase } from '../../../test/support/pg.ts';
import { batchTarget, deliveries, duplicates, startReceiver, waitFor } from './dispatch-support.ts';

it('two dispatchers on one PostgreSQL: no duplicates, and a fenced-off replica stops sending', async () => {
  const db = await createTestDatabase('docket_dispatch_replicas');
  const receiver = await startReceiver();
  receiver.answer(() => ({ status: 200, delayMs: 5 + Math.floor(Math.random() * 15) }));
  const a = await openDeliveryStore(db.url);
  const b = await openDeliveryStore(db.url);
  let aLeads = true;
  const common = { concurrency: 3, pollIntervalMs: 50, sendTimeoutMs: 2000 };
  const da = createDispatcher({ ...common, store: a, owner: 'replica-a', fence: () => aLeads, targets: new Map([['bulk', batchTarget(`${receiver.url}?from=a`, 3)]]) });
  const dbb = createDispatcher({ ...common, store: b, owner: 'replica-b', targets: new Map([['bulk', batchTarget(`${receiver.url}?from=b`, 3)]]) });
  try {
    await a.enqueue(deliveries('bulk', 150));
    da.start();
    dbb.start();
    await waitFor('both replicas sending', () => receiver.accepted().length >= 45);
    const from = (who: string) => receiver.hits.filter((h) => h.path.endsWith(`from=${who}`));
    assert.ok(from('a').length > 0 && from('b').length > 0, 'both replicas sent');
    aLeads = false;
    await new Promise((r) => setTimeout(r, 100)); // a send that passed the fence just before may still be on its way
    // Sends A had already started finish; after that nothing more comes from A.
    await waitFor('A idle', () => from('a').every((h) => h.answeredAt !== undefined));
    const fencedAt = Date.now();
    await waitFor('every notification', () => receiver.accepted().length >= 150);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(from('a').filter((h) => h.at > fencedAt), [], 'a fenced-off replica starts no sends');
    const accepted = receiver.accepted();
    assert.deepEqual(duplicates(accepted), []);
    assert.equal(accepted.length, 150);
    assert.deepEqual(await b.counts(), [{ target: 'bulk', state: 'sent', count: 150 }]);
  } finally {
    await da.stop();
    await dbb.stop();
    await a.close();
    await b.close();
    await receiver.close();
    await db.drop();
  }
});

it('two ordered dispatchers (concurrency 1) on one PostgreSQL keep per-target order between them', async () => {
  const db = await createTestDatabase('docket_dispatch_ordered');
  const receiver = await startReceiver();
  // Every 7th request fails once, so retries happen while the other replica is eager to send.
  const failed = new Set<string>();
  receiver.answer((ids) => {
    const k = ids[0]!;
    if (Number(k.slice(1)) % 7 === 3 && !failed.has(k)) { failed.add(k); return { status: 503 }; }
    return { status: 200, delayMs: Math.floor(Math.random() * 5) };
  });
  const stores = [await openDeliveryStore(db.url), await openDeliveryStore(db.url)];
  const ds = stores.map((store, i) => createDispatcher({
    store, owner: `replica-${i}`, concurrency: 1, pollIntervalMs: 30, backoff: { baseMs: 5, maxMs: 20 },
    targets: new Map([['bulk', batchTarget(`${receiver.url}?from=${i}`, 1)]]),
  }));
  try {
    await stores[0]!.enqueue(deliveries('bulk', 60));
    for (const d of ds) d.start();
    await waitFor('every notification', () => receiver.accepted().length >= 60);
    assert.deepEqual(receiver.accepted(), deliveries('bulk', 60).map((x) => x.key), 'exactly once, in enqueue order');
    assert.ok(failed.size >= 8);
  } finally {
    for (const d of ds) await d.stop();
    for (const s of stores) await s.close();
    await receiver.close();
    await db.drop();
  }
});

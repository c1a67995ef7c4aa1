/**
 * Outage: the receivers answer 500, then 429 with Retry-After, then are down (connection refused),
 * then recover. Every notification arrives exactly once; the ordered target (concurrency 1) gets
 * them in enqueue order. On SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { openDeliveryStore, type DeliveryStore } from '@docket/store';
import { createDispatcher, noopDispatcherMetrics, type DispatcherMetrics } from '@docket/reporter';
import { createTestDatabase } from '../../../test/support/pg.ts';
import { batchTarget, deliveries, duplicates, startReceiver, waitFor, webhook, type Receiver } from './dispatch-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'docket-outage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const failing = (r: Receiver, status: number) => r.hits.filter((h) => h.status === status).length;

async function outage(store: DeliveryStore): Promise<void> {
  const ordered = await startReceiver();
  const bulk = await startReceiver();
  let retries = 0;
  const metrics: DispatcherMetrics = { ...noopDispatcherMetrics, retried: (_t, n = 1) => { retries += n; } };
  const dispatcher = createDispatcher({
    store,
    targets: new Map([['hook', webhook(ordered.url)], ['bulk', batchTarget(bulk.url, 5)]]),
    concurrency: (name) => (name === 'hook' ? 1 : 3),
    maxAttempts: 1000,
    backoff: { baseMs: 40, maxMs: 250 },
    sendTimeoutMs: 2000,
    pollIntervalMs: 200,
    metrics,
  });
  try {
    for (const r of [ordered, bulk]) r.answer(() => ({ status: 500, body: 'internal error' }));
    await store.enqueue([...deliveries('hook', 30), ...deliveries('bulk', 40, 'b')]);
    dispatcher.start();
    dispatcher.wake();
    await waitFor('500s on both receivers', () => failing(ordered, 500) >= 3 && failing(bulk, 500) >= 3);

    for (const r of [ordered, bulk]) r.answer(() => ({ status: 429, headers: { 'retry-after': '1' }, body: 'slow down' }));
    await waitFor('two 429s on the ordered receiver', () => failing(ordered, 429) >= 2 && failing(bulk, 429) >= 1);
    const [first, second] = ordered.hits.filter((h) => h.status === 429);
    assert.ok(second!.at - first!.answeredAt! >= 950, `Retry-After: 1 honoured (next try after ${second!.at - first!.answeredAt!} ms)`);

    const before = ordered.hits.length + bulk.hits.length;
    await ordered.down();
    await bulk.down();
    const retriesAtDown = retries;
    await waitFor('retries against the closed ports', () => retries >= retriesAtDown + 4);
    assert.equal(ordered.hits.length + bulk.hits.length, before, 'nothing reached the receivers while they were down');

    for (const r of [ordered, bulk]) r.answer(() => ({ status: 200, delayMs: Math.floor(Math.random() * 5) }));
    await ordered.up();
    await bulk.up();
    await waitFor('every notification accepted', () => ordered.accepted().length >= 30 && bulk.accepted().length >= 40);
    await dispatcher.stop();

    const hookIds = ordered.accepted();
    assert.deepEqual(hookIds, deliveries('hook', 30).map((d) => d.key), 'the ordered target got each notification once, in order');
    const bulkIds = bulk.accepted();
    assert.deepEqual(duplicates(bulkIds), []);
    assert.deepEqual([...bulkIds].sort(), deliveries('bulk', 40, 'b').map((d) => d.key));
    assert.ok(bulk.hits.some((h) => h.status === 200 && h.ids.length > 1), 'the batch target got batches');
    assert.ok(bulk.hits.every((h) => h.ids.length <= 5), 'batches never exceed maxBatch');
    assert.deepEqual(await store.counts(), [{ target: 'bulk', state: 'sent', count: 40 }, { target: 'hook', state: 'sent', count: 30 }]);
    const sent = await store.list({ target: 'hook', limit: 1 });
    assert.ok(sent.items[0]!.attempts > 3 && /HTTP|network/.test(sent.items[0]!.lastError ?? ''), 'attempts and last error are kept');
  } finally {
    await dispatcher.stop();
    await ordered.close().catch(() => undefined);
    await bulk.close().catch(() => undefined);
  }
}

it('outage on SQLite: 500, 429 + Retry-After, down, recovered: exactly once, in order', async () => {
  const store = await openDeliveryStore(`sqlite:${join(dir, 'outage.db')}`);
  try { await outage(store); } finally { await store.close(); }
});

it('outage on PostgreSQL: 500, 429 + Retry-After, down, recovered: exactly once, in order', async () => {
  const db = await createTestDatabase('docket_dispatch_outage');
  const store = await openDeliveryStore(db.url);
  try { await outage(store); } finally { await store.close(); await db.drop(); }
});

/**
 * The database drops the dispatcher's connections again and again while it sends (PostgreSQL
 * terminates every other backend): the dispatcher keeps going, and every notification still
 * arrives exactly once (a mark that fails is retried on a new connection).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import pg from 'pg';
import { openDeliveryStore } from '@docket/store';
import { createDispatcher } from '@docket/reporter';
import { createTestDatabase } from '../../../test/support/pg.ts';
import { batchTarget, deliveries, duplicates, startReceiver, waitFor } from './dispatch-support.ts';

it('connections killed under the dispatcher: nothing lost, nothing repeated', async () => {
  const db = await createTestDatabase('docket_dispatch_dbdown');
  const receiver = await startReceiver();
  receiver.answer(() => ({ status: 200, delayMs: 3 }));
  const store = await openDeliveryStore(db.url);
  const admin = new pg.Client({ connectionString: db.url });
  admin.on('error', () => undefined);
  await admin.connect();
  const d = createDispatcher({ store, targets: new Map([['bulk', batchTarget(receiver.url, 4)]]), concurrency: 3, pollIntervalMs: 50 });
  let kills = 0;
  try {
    await store.enqueue(deliveries('bulk', 300));
    d.start();
    while (receiver.accepted().length < 300) {
      const r = await admin.query('SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      kills += Number(r.rows[0].n);
      await new Promise((res) => setTimeout(res, 40));
      if (kills > 5000) break;
    }
    await waitFor('every notification', () => receiver.accepted().length >= 300, 30_000);
    await waitFor('all marked sent', async () => (await store.counts().catch(() => [])).every((c) => c.state === 'sent'), 30_000);
    assert.ok(kills >= 3, `connections were killed (${kills})`);
    assert.deepEqual(duplicates(receiver.accepted()), []);
    assert.equal(new Set(receiver.accepted()).size, 300);
  } finally {
    await d.stop();
    await admin.end();
    await store.close();
    await receiver.close();
    await db.drop();
  }
});

/**
 * Restart mid-backlog on SQLite: a graceful stop and a new dispatcher deliver every notification
 * exactly once; a dispatcher SIGKILLed while sends are in flight loses nothing, and repeats only
 * notifications that were in flight when it died (the documented crash window).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { openDeliveryStore } from '@docket/store';
import { createDispatcher } from '@docket/reporter';
import { batchTarget, deliveries, duplicates, startReceiver, waitFor, webhook } from './dispatch-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'docket-restart-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('graceful stop mid-backlog, then a new dispatcher: every notification exactly once', async () => {
  const url = `sqlite:${join(dir, 'graceful.db')}`;
  const receiver = await startReceiver();
  receiver.answer(() => ({ status: 200, delayMs: 15 }));
  try {
    const first = await openDeliveryStore(url);
    await first.enqueue(deliveries('hook', 40));
    const d1 = createDispatcher({ store: first, targets: new Map([['hook', webhook(receiver.url)]]), concurrency: 3, pollIntervalMs: 100 });
    d1.start();
    await waitFor('some notifications sent', () => receiver.accepted().length >= 10);
    await d1.stop();
    const counts = await first.counts();
    assert.equal(counts.find((c) => c.state === 'inflight'), undefined, 'stop() leaves nothing in flight');
    const sentRows = (await first.list({ state: 'sent', limit: 1000 })).items.map((d) => d.key).sort();
    assert.deepEqual([...receiver.accepted()].sort(), sentRows, 'what the receiver accepted is exactly what is marked sent');
    assert.ok(sentRows.length < 40, 'the stop came mid-backlog');
    await first.close();

    const second = await openDeliveryStore(url);
    const d2 = createDispatcher({ store: second, targets: new Map([['hook', webhook(receiver.url)]]), concurrency: 3, pollIntervalMs: 100 });
    d2.start();
    await waitFor('the rest sent', () => receiver.accepted().length >= 40);
    await d2.stop();
    assert.deepEqual(duplicates(receiver.accepted()), []);
    assert.deepEqual([...receiver.accepted()].sort(), deliveries('hook', 40).map((d) => d.key));
    assert.deepEqual(await second.counts(), [{ target: 'hook', state: 'sent', count: 40 }]);
    await second.close();
  } finally {
    await receiver.close();
  }
});

it('SIGKILL while sends are in flight: nothing lost, repeats only within the crash window', async () => {
  const url = `sqlite:${join(dir, 'kill.db')}`;
  const receiver = await startReceiver();
  receiver.answer(() => ({ status: 200, delayMs: 300 }));
  const store = await openDeliveryStore(url);
  try {
    await store.enqueue(deliveries('bulk', 30));
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./dispatch-child.ts', import.meta.url).pathname, url, receiver.url],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise((r) => child.on('exit', r));
    await waitFor(`the child's first sends (${stderr})`, () => receiver.accepted().length >= 6 && receiver.hits.some((h) => h.answeredAt === undefined));
    child.kill('SIGKILL');
    await exited;
    const killAt = Date.now();
    // In the crash window: requests the child sent but had not seen answered (or answered just now).
    const window = new Set(receiver.hits.filter((h) => h.answeredAt === undefined || h.answeredAt > killAt - 500).flatMap((h) => h.ids));
    // 2 slots × batches of 2: at most one batch pending per slot, and (300 ms answers) at most two answered in the last 500 ms.
    assert.ok(window.size > 0 && window.size <= 2 * 2 * 3, `in flight at the kill: ${[...window].join(' ')}`);
    const inflight = (await store.list({ state: 'inflight' })).items;
    assert.ok(inflight.length > 0 && inflight.every((d) => d.owner === 'child'), 'the dead child left claimed rows behind');

    receiver.answer(() => ({ status: 200 }));
    const d = createDispatcher({ store, targets: new Map([['bulk', batchTarget(receiver.url, 2)]]), concurrency: 2, pollIntervalMs: 100 });
    d.start();
    await waitFor('every notification after the restart', async () => (await store.counts()).every((c) => c.state === 'sent'), 30_000);
    await d.stop();
    const accepted = receiver.accepted();
    assert.deepEqual([...new Set(accepted)].sort(), deliveries('bulk', 30).map((x) => x.key), 'nothing lost');
    for (const k of duplicates(accepted)) assert.ok(window.has(k), `${k} was repeated but was not in flight at the kill`);
  } finally {
    await store.close();
    await receiver.close();
  }
});

/** The reporter's metrics object plugs into the dispatcher as is and counts what happened. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { openDeliveryStore } from '@docket/store';
import { createDispatcher, createReporterMetrics, reportQueueDepth, type DispatcherMetrics } from '@docket/reporter';
import { deliveries, startReceiver, waitFor, webhook } from './dispatch-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'docket-dispatch-metrics-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('sends, retries, dead letters and queue depth reach the exposition', async () => {
  const store = await openDeliveryStore(`sqlite:${join(dir, 'm.db')}`);
  const receiver = await startReceiver();
  receiver.answer((ids) => (ids[0] === 'r0002' ? { status: 503 } : { status: 200 }));
  const reporterMetrics = createReporterMetrics({ config: { enabled: false, mode: 'simple', customLabels: [] }, defaultMetrics: false });
  const metrics: DispatcherMetrics = reporterMetrics;
  const d = createDispatcher({ store, targets: new Map([['hook', webhook(receiver.url)]]), maxAttempts: 2, backoff: { baseMs: 5, maxMs: 10 }, pollIntervalMs: 50, metrics });
  try {
    await store.enqueue(deliveries('hook', 3));
    d.start();
    await waitFor('settled', async () => (await store.counts(['pending', 'inflight'])).length === 0);
    await d.stop();
    await reportQueueDepth(store, metrics, ['hook']);
    const { body } = await reporterMetrics.render();
    const value = (series: string) => Number(body.split('\n').find((l) => l.startsWith(`${series} `))?.split(' ')[1]);
    assert.equal(value('docket_target_sends_total{target="hook",type="webhook",outcome="success"}'), 2);
    assert.equal(value('docket_target_sends_total{target="hook",type="webhook",outcome="retry"}'), 1);
    assert.equal(value('docket_target_sends_total{target="hook",type="webhook",outcome="dead"}'), 1);
    assert.equal(value('docket_delivery_retries_total{target="hook"}'), 1);
    assert.equal(value('docket_deliveries_dead_lettered_total{target="hook"}'), 1);
    assert.equal(value('docket_outbox_pending{target="hook"}'), 0);
    assert.equal(value('docket_outbox_dead_letters{target="hook"}'), 1);
  } finally {
    await d.stop();
    await receiver.close();
    await store.close();
  }
});

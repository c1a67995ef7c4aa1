/**
 * Two replicas on one PostgreSQL: one leader (Lease through the kube-apiserver test double, or a
 * PostgreSQL advisory lock) runs detection; a leader change mid-stream loses and repeats nothing;
 * skipExistingOnStartup holds once for both.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubeConfigForServer } from '@docket/kube';
import { openDeliveryStore, openStore } from '@docket/store';
import { createTestDatabase } from '../../../test/support/pg.ts';
import { startLeaseServer } from '../../kube/test/support/lease-server.ts';
import {
  createAdvisoryLockLeadership, createLeaseLeadership, createPipeline, cursorName, type Leadership, type PipelineTargetSpec,
} from '../src/pipeline/index.ts';
import { allDeliveries, policiesOf, putReport, waitFor } from './pipeline-support.ts';

const TARGETS: PipelineTargetSpec[] = [{ name: 'all', skipExistingOnStartup: false }, { name: 'skip' }];
const POLR = { group: 'wgpolicyk8s.io', resource: 'policyreports' };

test('Lease leadership: a leader change mid-stream loses and repeats nothing', async (t) => {
  const db = await createTestDatabase('pipeline_ha');
  const leases = await startLeaseServer();
  const kc = kubeConfigForServer(leases.url);
  const closers: Array<() => Promise<void>> = [];
  t.after(async () => { for (const c of closers.reverse()) await c(); await leases.close(); await db.drop(); });

  const writer = await openStore(db.url);
  closers.push(() => writer.close());
  await putReport(writer, 'ns', 'before', [{ policy: 'p0' }]);

  const replicas = await Promise.all(['a', 'b'].map(async (name) => {
    const store = await openStore(db.url);
    const outbox = await openDeliveryStore(db.url);
    const pipeline = createPipeline({ feeds: [{ name: 'default', store, resources: [POLR] }], outbox, targets: TARGETS });
    const runs: Array<Promise<void>> = [];
    let terms = 0;
    const leadership: Leadership = createLeaseLeadership({
      kc, namespace: 'docket', name: 'reporter', identity: name, leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100,
    }, { onStartedLeading: (signal) => { terms++; runs.push(pipeline.run(signal)); }, onStoppedLeading: () => {} });
    leadership.start();
    const r = { name, leadership, outbox, terms: () => terms, stop: async () => { await leadership.stop(); await Promise.all(runs); } };
    closers.push(async () => { await r.stop(); await outbox.close(); await store.close(); });
    return r;
  }));
  const [a, b] = replicas as [typeof replicas[0], typeof replicas[0]];
  await waitFor('a leader', () => a.leadership.isLeader() || b.leadership.isLeader());
  const leader = a.leadership.isLeader() ? a : b;
  const follower = leader === a ? b : a;
  // The leader primes first (its cursor is written): reports written before that are pre-existing, and
  // `skip` (skipExistingOnStartup) rightly never hears of them, which is not what this test is about.
  await waitFor('the leader primed', async () => (await leader.outbox.readCursor(cursorName('default', POLR))) !== undefined);

  for (let i = 0; i < 10; i++) await putReport(writer, 'ns', `r${i}`, [{ policy: `x${i}` }]);
  await leader.stop(); // releases the lease mid-stream; the follower continues from the cursor
  for (let i = 10; i < 20; i++) await putReport(writer, 'ns', `r${i}`, [{ policy: `x${i}` }]);
  await waitFor('follower leads', () => follower.leadership.isLeader());
  await waitFor('all rows', async () => (await allDeliveries(a.outbox, 'skip')).length >= 20, 20_000);
  await new Promise((r) => setTimeout(r, 200));
  const want = Array.from({ length: 20 }, (_, i) => `x${i}`).sort();
  assert.deepEqual(policiesOf(await allDeliveries(a.outbox, 'skip')), want);
  assert.deepEqual(policiesOf(await allDeliveries(a.outbox, 'all')), [...want, 'p0'].sort());
  assert.equal(follower.terms(), 1);
});

test('advisory lock leadership: one of two leads, the other takes over when it stops', async (t) => {
  const db = await createTestDatabase('pipeline_lock');
  t.after(() => db.drop());
  const events: string[] = [];
  const make = (name: string) => createAdvisoryLockLeadership({ url: db.url, name: 'docket-reporter/test', retryPeriodMs: 100 }, {
    onStartedLeading: () => events.push(`${name}+`), onStoppedLeading: () => events.push(`${name}-`),
  });
  const a = make('a');
  const b = make('b');
  a.start();
  await waitFor('a leads', () => a.isLeader());
  b.start();
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(b.isLeader(), false, 'the lock is held by a');
  await a.stop();
  await waitFor('b leads', () => b.isLeader());
  await b.stop();
  assert.deepEqual(events, ['a+', 'a-', 'b+', 'b-']);
});

import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLeaderElector, createLeaseClient, kubeConfigForServer, type LeaderElector } from '../src/index.ts';
import { startLeaseServer, type LeaseServer } from './support/lease-server.ts';
import { waitFor } from './support/wait.ts';

interface Candidate {
  id: string;
  elector: LeaderElector;
  /** [startedAt, stoppedAt?] per term. */
  terms: { start: number; end?: number }[];
  errors: Error[];
  /** Other identities reported through onNewLeader. */
  others: string[];
}

describe('leader election against the Lease test double', () => {
  let server: LeaseServer;
  let running: Candidate[] = [];
  before(async () => {
    server = await startLeaseServer();
  });
  afterEach(async () => {
    await Promise.all(running.map((c) => c.elector.stop()));
    running = [];
    server.failWrites = undefined;
    server.leases.clear();
  });
  after(async () => {
    await server?.close();
  });

  function candidate(id: string, name: string): Candidate {
    const c: Candidate = { id, terms: [], errors: [], others: [], elector: undefined as unknown as LeaderElector };
    c.elector = createLeaderElector({
      client: createLeaseClient(kubeConfigForServer(server.url)), namespace: 'docket-system', name, identity: id,
      leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100,
      onStartedLeading: () => c.terms.push({ start: Date.now() }),
      onStoppedLeading: () => (c.terms.at(-1)!.end = Date.now()),
      onError: (e) => c.errors.push(e),
      onNewLeader: (other) => c.others.push(other),
    });
    running.push(c);
    c.elector.start();
    return c;
  }
  const holder = (name: string) => server.leases.get(`docket-system/${name}`)?.spec as Record<string, unknown> | undefined;

  it('exactly one of two candidates leads, and it keeps renewing', async () => {
    const a = candidate('replica-a', 'one');
    const b = candidate('replica-b', 'one');
    await waitFor('a leader', () => a.elector.isLeader() || b.elector.isLeader());
    const renewBefore = holder('one')!.renewTime;
    let samplesWithOne = 0;
    for (let i = 0; i < 60; i++) { // 1.2 s: longer than the lease, so renewals must have happened
      const leaders = Number(a.elector.isLeader()) + Number(b.elector.isLeader());
      assert.ok(leaders <= 1, 'never two leaders');
      if (leaders === 1) samplesWithOne++;
      await new Promise((r) => setTimeout(r, 20));
    }
    // On a loaded machine a renewal may miss its deadline and hand over; normally nothing changes.
    assert.ok(samplesWithOne >= 50, `a leader at ${samplesWithOne} of 60 samples`);
    assert.equal(holder('one')!.holderIdentity, a.elector.isLeader() ? a.id : b.id);
    assert.notEqual(holder('one')!.renewTime, renewBefore, 'renewTime advanced');
    assert.match(String(holder('one')!.renewTime), /\.\d{6}Z$/, 'MicroTime on the wire');
    assert.equal(holder('one')!.leaseDurationSeconds, 1);
    assert.deepEqual([...a.errors, ...b.errors], []);
    const follower = a.elector.isLeader() ? b : a;
    assert.deepEqual(follower.others, [a.elector.isLeader() ? a.id : b.id], 'the follower learnt who leads, once');
    assert.ok(server.log.some((l) => l.startsWith('PUT ')), 'renewals are PUTs with a resourceVersion precondition');
  });

  it('a partitioned leader steps down before the other takes over the expired lease', async () => {
    const a = candidate('replica-a', 'two');
    await waitFor('a leads', () => a.elector.isLeader());
    const b = candidate('replica-b', 'two');
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!b.elector.isLeader(), 'b waits while a renews');
    server.failWrites = (id) => id === 'replica-a'; // a can no longer renew
    const cutAt = Date.now();
    await waitFor('b takes over', () => b.elector.isLeader(), 5000);
    assert.ok(!a.elector.isLeader());
    assert.ok(a.terms[0]!.end !== undefined && a.terms[0]!.end <= b.terms[0]!.start, 'no overlap: a stopped before b started');
    // a's last renewal was at most one retry period (100 ms) before the cut; the lease lasts 1 s.
    assert.ok(b.terms[0]!.start - cutAt >= 850, `b waited for the lease to expire (${b.terms[0]!.start - cutAt} ms)`);
    assert.equal(holder('two')!.holderIdentity, 'replica-b');
    assert.equal(holder('two')!.leaseTransitions, 1);
    assert.ok(a.errors.some((e) => /injected failure/.test(e.message)), 'a saw its renewals fail');
  });

  it('a leader that stops releases the lease, so the successor does not wait for expiry', async () => {
    const a = candidate('replica-a', 'three');
    await waitFor('a leads', () => a.elector.isLeader());
    const b = candidate('replica-b', 'three');
    await new Promise((r) => setTimeout(r, 150));
    const stoppedAt = Date.now();
    await a.elector.stop();
    assert.ok(!a.elector.isLeader());
    assert.equal(a.terms[0]!.end !== undefined, true, 'onStoppedLeading was called');
    await waitFor('b leads', () => b.elector.isLeader(), 3000);
    assert.ok(Date.now() - stoppedAt < 800, `took over in ${Date.now() - stoppedAt} ms, less than the 1 s lease`);
  });

  it('rejects timings where the leader could outlive its lease', () => {
    assert.throws(() => createLeaderElector({
      client: createLeaseClient(kubeConfigForServer(server.url)), namespace: 'n', name: 'x', identity: 'i',
      leaseDurationMs: 1000, renewDeadlineMs: 1000, retryPeriodMs: 100, onStartedLeading: () => {}, onStoppedLeading: () => {},
    }), /renewDeadlineMs must be shorter/);
  });
});

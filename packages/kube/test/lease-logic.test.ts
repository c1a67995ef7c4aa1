import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decide, fromLease, observe, releasedSpec, toLease, type LeaseRecord } from '../src/index.ts';

const lease = (holder: string, renewTimeMs: number, extra: Partial<LeaseRecord> = {}): LeaseRecord =>
  ({ resourceVersion: '7', holderIdentity: holder, leaseDurationSeconds: 15, renewTimeMs, acquireTimeMs: 0, leaseTransitions: 2, ...extra });

describe('lease logic', () => {
  it('the holder renews, keeping acquireTime and transitions', () => {
    const l = lease('me', 1000);
    const d = decide(l, observe(undefined, l, 5000), 'me', 5000, 15_000);
    assert.deepEqual(d, { action: 'renew', spec: { holderIdentity: 'me', leaseDurationSeconds: 15, renewTimeMs: 5000, acquireTimeMs: 0, leaseTransitions: 2 } });
  });

  it('another holder is waited for until the lease is unchanged for its duration, on our own clock', () => {
    const l = lease('other', 123); // renewTime from a skewed clock is irrelevant
    let obs = observe(undefined, l, 10_000);
    assert.deepEqual(decide(l, obs, 'me', 20_000, 15_000), { action: 'wait', holder: 'other', expiresInMs: 5000 });
    obs = observe(obs, l, 24_000);
    assert.equal(obs.atMs, 10_000, 'an unchanged record keeps its first observation time');
    const d = decide(l, obs, 'me', 25_000, 15_000);
    assert.equal(d.action, 'acquire');
    assert.deepEqual(d.action === 'acquire' && d.spec, { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTimeMs: 25_000, renewTimeMs: 25_000, leaseTransitions: 3 });
    const renewed = lease('other', 456);
    assert.equal(observe(obs, renewed, 24_500).atMs, 24_500, 'a renewal restarts the wait');
  });

  it("the holder's longer duration is respected; a released lease is free at once", () => {
    const long = lease('other', 1, { leaseDurationSeconds: 60 });
    assert.equal(decide(long, observe(undefined, long, 0), 'me', 20_000, 15_000).action, 'wait');
    const released = { ...lease('x', 1), ...releasedSpec(lease('x', 1), 50) };
    assert.equal(released.holderIdentity, '');
    assert.equal(decide(released, observe(undefined, released, 60), 'me', 60, 15_000).action, 'acquire');
  });

  it('wire form: MicroTime with six fraction digits both ways', () => {
    const wire = JSON.parse(JSON.stringify(toLease('ns', 'l', { holderIdentity: 'me', renewTimeMs: Date.UTC(2026, 0, 1, 0, 0, 0, 250) }, '3')));
    assert.equal(wire.spec.renewTime, '2026-01-01T00:00:00.250000Z');
    assert.equal(wire.metadata.resourceVersion, '3');
    assert.equal(fromLease(wire).renewTimeMs, Date.UTC(2026, 0, 1, 0, 0, 0, 250));
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportResult } from '@docket/model';
import { buildReport, combineResults, lastSeenMs, mergeResults, reportTarget, toEventResult } from '../src/index.ts';

const T = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();
const at = (r: ReportResult) => [r.properties?.count, r.properties?.firstSeen, r.properties?.lastSeen];

describe('result merge rules', () => {
  it('toEventResult: stable resultID, count 1, first=last=event time, producer resultID kept', () => {
    const a = toEventResult({ policy: 'p', rule: 'r', result: 'fail', timestamp: { seconds: T / 1000, nanos: 5e8 } }, 0);
    const b = toEventResult({ policy: 'p', rule: 'r', result: 'fail', timestamp: { seconds: T / 1000 + 9, nanos: 0 } }, 0);
    assert.equal(a.properties?.resultID, b.properties?.resultID, 'the time does not change identity');
    assert.deepEqual(at(a), ['1', iso(T + 500), iso(T + 500)]);
    const own = toEventResult({ policy: 'p', properties: { resultID: 'mine' } }, T);
    assert.equal(own.properties?.resultID, 'mine');
    assert.deepEqual(own.timestamp, { seconds: T / 1000, nanos: 0 }, 'no event time: the writer clock');
    assert.notEqual(toEventResult({ policy: 'p', rule: 'other' }, T).properties?.resultID, a.properties?.resultID);
  });

  it('combineResults adds counts, keeps the earliest firstSeen and the newest fields, in either order', () => {
    const old = toEventResult({ policy: 'p', message: 'old', timestamp: { seconds: T / 1000, nanos: 0 } }, 0);
    const neu = toEventResult({ policy: 'p', message: 'new', timestamp: { seconds: T / 1000 + 60, nanos: 0 } }, 0);
    for (const c of [combineResults(old, neu), combineResults(neu, old)]) {
      assert.equal(c.message, 'new');
      assert.deepEqual(at(c), ['2', iso(T), iso(T + 60_000)]);
      assert.deepEqual(c.timestamp, { seconds: T / 1000 + 60, nanos: 0 });
    }
    assert.equal(combineResults(combineResults(old, neu), { ...neu, properties: { ...neu.properties, count: '5' } }).properties?.count, '7');
  });

  it('mergeResults: folds duplicates, expires by lastSeen, caps oldest first, reports the next expiry', () => {
    const r = (id: string, seenMs: number): ReportResult => ({ policy: id, properties: { resultID: id, count: '1', lastSeen: iso(seenMs) } });
    const out = mergeResults([r('a', T), r('b', T + 10), r('c', T + 20)], [r('b', T + 50), r('d', T + 40), r('e', T + 45)],
      { nowMs: T + 100, ttlMs: 95, maxResults: 3 });
    assert.equal(out.expired, 1, 'a was last seen 100 ms ago');
    assert.equal(out.capped, 1, 'c is the oldest of the four left');
    assert.deepEqual(out.results.map((x) => [x.policy, x.properties?.count]), [['d', '1'], ['e', '1'], ['b', '2']]);
    assert.equal(out.nextExpiryMs, T + 40 + 95);
    assert.equal(mergeResults([], [], { nowMs: T, ttlMs: 1, maxResults: 1 }).nextExpiryMs, undefined);
    assert.equal(lastSeenMs({ policy: 'x' }), undefined);
  });

  it('buildReport: kind per group and scope, ownerReferences added once, foreign labels and results kept, summary recomputed', () => {
    assert.deepEqual(reportTarget('wgpolicyk8s.io/v1alpha2', { name: 'n' }).kind, 'ClusterPolicyReport');
    assert.deepEqual(reportTarget('openreports.io/v1alpha1', { namespace: 'a', name: 'n' }).ref,
      { group: 'openreports.io', version: 'v1alpha1', plural: 'reports', name: 'n', namespace: 'a' });
    const owner = { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'u1' };
    const base = {
      apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport',
      metadata: { name: 'web', namespace: 'a', resourceVersion: '9', labels: { team: 'x' }, ownerReferences: [owner], managedFields: [{ manager: 'm' }] },
      results: [{ policy: 'foreign', result: 'pass' as const, properties: { resultID: 'f' } }],
      summary: { fail: 99 },
    };
    const { report } = buildReport({
      group: 'wgpolicyk8s.io/v1alpha2', key: { namespace: 'a', name: 'web' }, base, owner,
      pending: [toEventResult({ policy: 'p', result: 'fail' }, T)], labels: { 'app.kubernetes.io/managed-by': 'docket' },
      writeMark: 'w/1', nowMs: T, ttlMs: 60_000, maxResults: 10,
    });
    assert.equal(report.metadata.resourceVersion, '9', 'the precondition travels with the update');
    assert.deepEqual(report.metadata.ownerReferences, [owner]);
    assert.deepEqual(report.metadata.labels, { team: 'x', 'app.kubernetes.io/managed-by': 'docket' });
    assert.equal(report.metadata.annotations?.['docket.dev/last-write'], 'w/1');
    assert.equal(report.metadata.managedFields, undefined);
    assert.deepEqual(report.results?.map((x) => x.policy).sort(), ['foreign', 'p']);
    assert.deepEqual(report.summary, { pass: 1, fail: 1, warn: 0, error: 0, skip: 0 });
  });
});

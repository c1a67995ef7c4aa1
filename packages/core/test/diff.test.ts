import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportObject, ReportResult } from '@docket/model';
import { createIdOf, createResultTracker, packId, reportKeyOf, resultId, unpackId, type ObserveOutcome } from '@docket/core';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const scope = { apiVersion: 'v1', kind: 'Pod', name: 'web', namespace: 'team-a', uid: 'u-1' };

function report(results: ReportResult[], over: Partial<ReportObject> = {}): ReportObject {
  return { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name: 'pod-web', namespace: 'team-a' }, scope, source: 'kyverno', results, ...over };
}
const r = (policy: string, result: ReportResult['result'] = 'fail', extra: Partial<ReportResult> = {}): ReportResult => ({ policy, rule: 'r', result, ...extra });
const id = (res: ReportResult) => resultId(res, scope);
/** Outcome as sorted id lists, for table comparisons. */
const ids = (o: ObserveOutcome) => ({
  added: o.added.map((x) => x.id).sort(), removed: o.removed.map((x) => x.id).sort(), returned: o.returned.map((x) => x.id).sort(),
});
const none = { added: [], removed: [], returned: [] };

function tracker(opts: Parameters<typeof createResultTracker>[0] = {}) {
  const t = createResultTracker(opts);
  t.endStartup();
  return t;
}

test('new = notifiable and not seen before for the report; pass/skip never count', () => {
  const t = tracker();
  const all = [r('a', 'fail'), r('b', 'warn'), r('c', 'error'), r('d', 'pass'), r('e', 'skip'), { policy: 'f' }];
  assert.deepEqual(ids(t.observe(report(all), T0)), { added: [id(all[0]!), id(all[1]!), id(all[2]!)].sort(), removed: [], returned: [] });
  assert.deepEqual(ids(t.observe(report(all), T0 + 1)), none);
  const outcome = t.observe(report([...all, r('g')]), T0 + 2);
  assert.deepEqual(ids(outcome), { added: [id(r('g'))], removed: [], returned: [] });
  assert.equal(outcome.added[0]!.reportKey, 'wgpolicyk8s.io/PolicyReport/team-a/pod-web');
  assert.deepEqual(outcome.added[0]!.result, r('g'));
  assert.equal(outcome.added[0]!.preExisting, false);
  // The same result in another report is new there.
  assert.equal(t.observe(report([r('a')], { metadata: { name: 'other', namespace: 'team-a' } }), T0 + 3).added.length, 1);
  assert.deepEqual(t.stats(), { reports: 2, seen: 5, remembered: 0 });
});

test('duplicates within a report count once; configurable statuses', () => {
  const t = tracker({ statuses: ['pass'] });
  const o = t.observe(report([r('a', 'pass'), r('a', 'pass'), r('b', 'fail')]), T0);
  assert.deepEqual(ids(o), { added: [id(r('a', 'pass'))], removed: [], returned: [] });
});

test('removal is reported as fixed; return within the flap window is not new, after it is', () => {
  const t = tracker({ flapWindowMs: 6 * H });
  const a = r('a');
  const b = r('b');
  const steps: Array<[string, ReportResult[], number, ReturnType<typeof ids>]> = [
    ['both new', [a, b], T0, { added: [id(a), id(b)].sort(), removed: [], returned: [] }],
    ['b fixed', [a], T0 + H, { added: [], removed: [id(b)], returned: [] }],
    ['b back within 6h', [a, b], T0 + 6 * H, { added: [], removed: [], returned: [id(b)] }],
    ['b fixed again', [a], T0 + 7 * H, { added: [], removed: [id(b)], returned: [] }],
    ['b back after the window', [a, b], T0 + 13 * H, { added: [id(b)], removed: [], returned: [] }],
    ['fail turns pass: removed', [r('a', 'pass'), b], T0 + 14 * H, { added: [], removed: [id(a)], returned: [] }],
  ];
  for (const [name, results, now, expected] of steps) assert.deepEqual(ids(t.observe(report(results), now)), expected, name);
});

test('explicit resultID: pass → fail with the same id is new, fail → pass is fixed', () => {
  const t = tracker();
  const x = (status: ReportResult['result']) => r('a', status, { properties: { resultID: 'trivy-CVE-1' } });
  assert.deepEqual(ids(t.observe(report([x('pass')]), T0)), none);
  assert.deepEqual(ids(t.observe(report([x('fail')]), T0 + 1)), { added: ['trivy-CVE-1'], removed: [], returned: [] });
  assert.deepEqual(ids(t.observe(report([x('pass')]), T0 + 2)), { added: [], removed: ['trivy-CVE-1'], returned: [] });
});

test('report deletion removes all its results; a quick re-create is not new, a late one is', () => {
  const t = tracker({ deletedReportGraceMs: 10 * 60_000, flapWindowMs: 6 * H });
  const rep = report([r('a'), r('b')]);
  t.observe(rep, T0);
  assert.deepEqual(t.forget(rep, T0 + 1).map((x) => x.id).sort(), [id(r('a')), id(r('b'))].sort());
  assert.deepEqual(t.forget(rep, T0 + 2), []);
  assert.deepEqual(ids(t.observe(rep, T0 + 5 * 60_000)), { added: [], removed: [], returned: [id(r('a')), id(r('b'))].sort() });
  t.forget(reportKeyOf(rep), T0 + 6 * 60_000);
  // The deletion grace (10 min) is shorter than the flap window: it decides.
  assert.deepEqual(ids(t.observe(rep, T0 + 17 * 60_000)), { added: [id(r('a')), id(r('b'))].sort(), removed: [], returned: [] });
  const t0 = tracker({ deletedReportGraceMs: 0 });
  t0.observe(rep, T0);
  assert.deepEqual(t0.knownReports(), ['wgpolicyk8s.io/PolicyReport/team-a/pod-web']);
  t0.forget(rep, T0);
  assert.deepEqual(t0.stats(), { reports: 0, seen: 0, remembered: 0 });
  assert.deepEqual(t0.knownReports(), []);
  assert.equal(t0.observe(rep, T0 + 1).added.length, 2);
});

test('start-up priming: skipExisting marks first-seen reports seen without emitting', () => {
  const t = createResultTracker({ skipExisting: true });
  assert.deepEqual(ids(t.observe(report([r('a'), r('b')]), T0)), none);
  // Known report, still starting: changes are news.
  assert.deepEqual(ids(t.observe(report([r('a'), r('b'), r('c')]), T0 + 1)), { added: [id(r('c'))], removed: [], returned: [] });
  t.endStartup();
  const other = report([r('z')], { metadata: { name: 'late', namespace: 'team-a' } });
  assert.deepEqual(ids(t.observe(other, T0 + 2)), { added: [id(r('z'))], removed: [], returned: [] });
});

test('start-up without skipExisting flags pre-existing results so each target can decide', () => {
  const t = createResultTracker({ startedAt: T0 });
  const o = t.observe(report([r('a')]), T0);
  assert.deepEqual(o.added.map((x) => x.preExisting), [true]);
  t.endStartup();
  const old = r('old', 'fail', { timestamp: { seconds: T0 / 1000 - 60, nanos: 0 } });
  const fresh = r('fresh', 'fail', { timestamp: { seconds: T0 / 1000 + 60, nanos: 0 } });
  const o2 = t.observe(report([r('a'), old, fresh, r('untimed')]), T0 + 120_000);
  assert.deepEqual(Object.fromEntries(o2.added.map((x) => [x.result.policy, x.preExisting])), { old: true, fresh: false, untimed: false });
  const skipping = createResultTracker({ startedAt: T0, skipExisting: true });
  skipping.endStartup();
  assert.deepEqual(skipping.observe(report([old, fresh]), T0 + 120_000).added.map((x) => x.result.policy), ['fresh']);
});

test('per-source custom id fields decide what makes a result distinct', () => {
  const idOf = createIdOf({ kyverno: ['resource', 'policy', 'rule'], trivy: ['namespace', 'label:app', 'property:cve'] });
  const rep = report([]);
  const k1 = r('a', 'fail', { message: 'one' });
  const k2 = r('a', 'fail', { message: 'two' });
  assert.equal(idOf(rep, k1), idOf(rep, k2), 'kyverno ignores message');
  assert.notEqual(idOf(rep, k1), idOf(rep, r('a', 'fail', { rule: 'other' })));
  assert.notEqual(idOf(rep, k1), idOf({ ...rep, scope: { ...scope, uid: 'u-2' } }, k1), 'resource includes uid');
  const t1 = r('x', 'fail', { source: 'trivy', message: 'm1', properties: { cve: 'CVE-1' } });
  const t2 = r('y', 'warn', { source: 'trivy', message: 'm2', properties: { cve: 'CVE-1' } });
  assert.equal(idOf(rep, t1), idOf(rep, t2), 'trivy: namespace + label + cve only');
  const labelled = { ...rep, metadata: { ...rep.metadata, labels: { app: 'web' } } };
  assert.notEqual(idOf(rep, t1), idOf(labelled, t1), 'label:app is part of the id');
  assert.notEqual(idOf(rep, t1), idOf(rep, { ...t1, properties: { cve: 'CVE-2' } }));
  // A source without custom fields uses the default hash (message matters).
  const other = (m: string) => r('a', 'fail', { source: 'falco', message: m });
  assert.notEqual(idOf(rep, other('1')), idOf(rep, other('2')));
  assert.equal(idOf(rep, other('1')), resultId(other('1'), scope));
  // Through the tracker: a kyverno message change is not a new result.
  const t = tracker({ customIdFields: { kyverno: ['resource', 'policy', 'rule'] } });
  t.observe(report([k1]), T0);
  assert.deepEqual(ids(t.observe(report([k2]), T0 + 1)), none);
});

test('packId/unpackId round-trip every shape of id, compactly for hex ids', () => {
  const hex = resultId(r('a'), scope);
  const table = [hex, 'abc', '', 'x'.repeat(16), 'y'.repeat(15), '\uffffstarts-with-mark', '\uffff'.repeat(15), 'ABCDEF0123456789ABCDEF0123456789', 'ünïcödé-id'];
  for (const v of table) assert.equal(unpackId(packId(v)), v, JSON.stringify(v));
  assert.equal(packId(hex).length, 16);
  const packed = new Set(table.map(packId));
  assert.equal(packed.size, table.length, 'distinct ids stay distinct');
});

test('snapshot/restore: a restored tracker continues where the old one stopped', () => {
  const t = tracker({ flapWindowMs: 6 * H });
  t.observe(report([r('a'), r('b'), r('c', 'warn', { properties: { resultID: 'custom-1' } })]), T0);
  t.observe(report([r('a'), r('c', 'warn', { properties: { resultID: 'custom-1' } })]), T0 + H);
  const snap = JSON.parse(JSON.stringify(t.snapshot())) as ReturnType<typeof t.snapshot>;
  assert.equal(snap.version, 1);
  assert.deepEqual(snap.reports[0]!.seen.sort(), [id(r('a')), 'custom-1'].sort());
  assert.deepEqual(snap.reports[0]!.gone, [[id(r('b')), T0 + 7 * H]]);
  const u = tracker({ flapWindowMs: 6 * H });
  u.restore(snap, T0 + 2 * H);
  assert.deepEqual(u.stats(), t.stats());
  assert.deepEqual(ids(u.observe(report([r('a'), r('b'), r('c', 'warn', { properties: { resultID: 'custom-1' } }), r('d')]), T0 + 3 * H)),
    { added: [id(r('d'))], removed: [], returned: [id(r('b'))] });
  // Removals already expired at restore time are dropped.
  const v = tracker();
  v.restore(snap, T0 + 8 * H);
  assert.deepEqual(v.stats(), { reports: 1, seen: 2, remembered: 0 });
  assert.throws(() => v.restore({ version: 2 } as unknown as typeof snap, T0), /unsupported tracker snapshot version 2/);
});

test('memory stays bounded: remembered removals are capped and reports without state are dropped', () => {
  const t = tracker({ maxRemembered: 50, flapWindowMs: 1000 * H });
  for (let i = 0; i < 20; i++) {
    t.observe(report(Array.from({ length: 10 }, (_, j) => r(`p${i}-${j}`))), T0 + i);
    t.observe(report([]), T0 + i);
  }
  t.sweep(T0 + 100);
  assert.ok(t.stats().remembered <= 50, `remembered ${t.stats().remembered}`);
  assert.equal(t.stats().seen, 0);
  t.sweep(T0 + 1001 * H);
  assert.deepEqual(t.stats(), { reports: 0, seen: 0, remembered: 0 });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportResult } from '@docket/model';
import { combineResults, toEventResult } from '../src/index.ts';
import { foldPending, toPendingResult, trimPending, type PendingResult } from '../src/pending-results.ts';

const ev = (second: number, extra: Record<string, string>): ReportResult => ({
  policy: 'p', rule: 'r', result: 'fail', source: 's', message: `at ${second}`,
  timestamp: { seconds: 1_795_000_000 + second, nanos: 0 }, properties: { resultID: 'id-1', ...extra },
});

test('the writer fold equals combineResults over toEventResult, for events in and out of order', () => {
  const events = [ev(5, { a: '1' }), ev(2, { b: '2', a: 'old' }), ev(9, { a: '3' }), ev(9, { c: '4' }), ev(1, { d: '5' })];
  const pending = new Map<string, PendingResult>();
  for (const e of events) foldPending(pending, e, 0);
  const expected = events.map((e) => toEventResult(e, 0)).reduce((a, b) => combineResults(a, b));
  assert.deepEqual(toPendingResult('id-1', pending.get('id-1')!), expected);
  assert.equal(expected.properties?.count, '5');
  assert.equal(expected.message, 'at 9');
});

test('an aggregate folded back (a failed write) keeps its count and first/last seen', () => {
  const pending = new Map<string, PendingResult>();
  foldPending(pending, ev(3, {}), 0);
  foldPending(pending, ev(7, {}), 0);
  const agg = toPendingResult('id-1', pending.get('id-1')!);
  const again = new Map<string, PendingResult>();
  foldPending(again, ev(8, {}), 0);
  foldPending(again, agg, 0);
  const out = toPendingResult('id-1', again.get('id-1')!);
  assert.equal(out.properties?.count, '3');
  assert.equal(out.properties?.firstSeen, agg.properties?.firstSeen);
  assert.equal(out.timestamp?.seconds, 1_795_000_008);
});

test('trimPending keeps the most recently seen', () => {
  const pending = new Map<string, PendingResult>();
  for (let i = 0; i < 5; i++) foldPending(pending, { ...ev(i, {}), properties: { resultID: `id-${i}` } }, 0);
  assert.equal(trimPending(pending, 2), 3);
  assert.deepEqual([...pending.keys()].sort(), ['id-3', 'id-4']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportObject, ReportResult } from '@docket/model';
import { createResultTracker, resultId } from '@docket/core';

/** mulberry32: small deterministic PRNG so failures reproduce from the seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const H = 3_600_000;
const STATUSES: Array<ReportResult['result']> = ['fail', 'warn', 'error', 'pass', 'skip'];
const NAMES = ['r0', 'r1', 'r2'];

function makeReport(name: string, results: ReportResult[]): ReportObject {
  return { apiVersion: 'openreports.io/v1alpha1', kind: 'Report', metadata: { name, namespace: 'ns' }, scope: { kind: 'Pod', name, uid: `uid-${name}` }, results };
}

/**
 * Reference model: the rules of the issue written as plainly as possible (no queues, no packing),
 * to compare the tracker against over random histories.
 */
function createModel(flap: number, grace: number) {
  const present = new Map<string, Set<string>>();
  const gone = new Map<string, Map<string, number>>();
  const goneOf = (k: string) => gone.get(k) ?? gone.set(k, new Map()).get(k)!;
  const expire = (k: string, now: number) => {
    for (const [id, exp] of goneOf(k)) if (exp <= now) goneOf(k).delete(id);
  };
  return {
    observe(k: string, ids: Set<string>, now: number) {
      expire(k, now);
      const before = present.get(k) ?? new Set();
      const removed = [...before].filter((x) => !ids.has(x));
      for (const x of removed) if (flap > 0) goneOf(k).set(x, now + flap);
      const added: string[] = [];
      const returned: string[] = [];
      for (const x of ids) {
        if (before.has(x)) continue;
        if (goneOf(k).delete(x)) returned.push(x);
        else added.push(x);
      }
      present.set(k, new Set(ids));
      return { added: added.sort(), removed: removed.sort(), returned: returned.sort() };
    },
    forget(k: string, now: number) {
      expire(k, now);
      const before = [...(present.get(k) ?? [])];
      for (const x of before) if (grace > 0) goneOf(k).set(x, now + grace);
      present.delete(k);
      return before.sort();
    },
  };
}

function history(seed: number, flap: number, grace: number, steps: number) {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const tracker = createResultTracker({ flapWindowMs: flap, deletedReportGraceMs: grace });
  tracker.endStartup();
  const model = createModel(flap, grace);
  const addedCount = new Map<string, number>();
  let now = 1_700_000_000_000;
  for (let step = 0; step < steps; step++) {
    now += Math.floor(rnd() * 3 * H);
    const name = pick(NAMES);
    const key = `openreports.io/Report/ns/${name}`;
    if (rnd() < 0.1) {
      assert.deepEqual(tracker.forget(makeReport(name, []), now).map((x) => x.id).sort(), model.forget(key, now), `seed ${seed} step ${step} forget`);
      continue;
    }
    const results: ReportResult[] = [];
    for (let p = 0; p < 8; p++) if (rnd() < 0.5) results.push({ policy: `p${p}`, rule: 'r', result: pick(STATUSES) });
    const rep = makeReport(name, results);
    const ids = new Set(results.filter((x) => ['fail', 'warn', 'error'].includes(x.result!)).map((x) => resultId(x, rep.scope)));
    const got = tracker.observe(rep, now);
    const actual = { added: got.added.map((x) => x.id).sort(), removed: got.removed.map((x) => x.id).sort(), returned: got.returned.map((x) => x.id).sort() };
    assert.deepEqual(actual, model.observe(key, ids, now), `seed ${seed} step ${step}`);
    for (const x of actual.added) addedCount.set(`${key}|${x}`, (addedCount.get(`${key}|${x}`) ?? 0) + 1);
  }
  return addedCount;
}

test('tracker matches the reference model over random histories (flap window and deletion grace)', () => {
  for (let seed = 1; seed <= 30; seed++) history(seed, 6 * H, 10 * 60_000, 300);
  for (let seed = 31; seed <= 40; seed++) history(seed, 0, 0, 200);
});

test('with an endless flap window and grace, any result is new at most once per report', () => {
  for (let seed = 100; seed <= 110; seed++) {
    const counts = history(seed, Number.MAX_SAFE_INTEGER / 4, Number.MAX_SAFE_INTEGER / 4, 300);
    assert.ok(counts.size > 0, 'the history produced new results');
    for (const [k, n] of counts) assert.equal(n, 1, `seed ${seed}: ${k} added ${n} times`);
  }
});

test('removed-then-returned: within the window it is not new, after the window it is', () => {
  const rnd = prng(7);
  const W = 6 * H;
  for (let i = 0; i < 200; i++) {
    const t = createResultTracker({ flapWindowMs: W });
    t.endStartup();
    const res: ReportResult = { policy: `p${i}`, result: 'fail' };
    const t0 = 1_700_000_000_000 + Math.floor(rnd() * 1e9);
    t.observe(makeReport('x', [res]), t0);
    t.observe(makeReport('x', []), t0 + 1);
    const gap = Math.floor(rnd() * 2 * W);
    const o = t.observe(makeReport('x', [res]), t0 + 1 + gap);
    if (gap < W) assert.deepEqual([o.added.length, o.returned.length], [0, 1], `gap ${gap}`);
    else assert.deepEqual([o.added.length, o.returned.length], [1, 0], `gap ${gap}`);
  }
});

test('snapshot → restore at any point gives the same future outputs', () => {
  const rnd = prng(42);
  const opts = { flapWindowMs: 2 * H, deletedReportGraceMs: H };
  const a = createResultTracker(opts);
  a.endStartup();
  let b = createResultTracker(opts);
  b.endStartup();
  let now = 1_700_000_000_000;
  for (let step = 0; step < 400; step++) {
    now += Math.floor(rnd() * H);
    if (rnd() < 0.05) {
      const fresh = createResultTracker(opts);
      fresh.endStartup();
      fresh.restore(JSON.parse(JSON.stringify(b.snapshot())), now);
      b = fresh;
    }
    const name = NAMES[Math.floor(rnd() * NAMES.length)]!;
    const results: ReportResult[] = [];
    for (let p = 0; p < 6; p++) if (rnd() < 0.5) results.push({ policy: `p${p}`, result: 'fail' });
    const rep = makeReport(name, results);
    if (rnd() < 0.08) {
      assert.deepEqual(b.forget(rep, now), a.forget(rep, now), `step ${step}`);
    } else {
      assert.deepEqual(b.observe(rep, now), a.observe(rep, now), `step ${step}`);
    }
  }
});

/** Contract: watch replay, initial events, bookmarks, filtering, selector transitions, eviction, 410. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GoneError } from '@docket/model';
import {
  POLR, createReport, describe as describeEvent, endsWithin, eventsWithin, makeResults, polrKey, sleep, takeEvents,
  type ContractStoreFactory,
} from './contract-fixtures.ts';
import { withStore } from './contract-crud.ts';

const kinds = (evs: { type: string; object: { metadata: { name?: string } } }[]) => evs.map((e) => `${e.type} ${e.object.metadata.name ?? ''}`);

export function watchContract(make: ContractStoreFactory): void {
  describe('watch', () => {
    it('from resourceVersion N replays every later change in order, then goes live', () => withStore(make, {}, async (s) => {
      const a = await createReport(s, 'team-1', 'a');
      await createReport(s, 'team-1', 'b');
      const from = await s.currentResourceVersion();
      await s.update(polrKey('team-1', 'a'), { ...a, results: makeResults(7) });
      await s.delete(polrKey('team-1', 'b'));
      const w = await s.watch(POLR, { resourceVersion: from });
      try {
        await createReport(s, 'team-1', 'c');
        const evs = await takeEvents(w, 3);
        assert.deepEqual(kinds(evs), ['MODIFIED a', 'DELETED b', 'ADDED c']);
        assert.deepEqual(evs[0]!.object.results, makeResults(7));
        const rvs = evs.map((e) => Number(e.object.metadata.resourceVersion));
        assert.ok(rvs[0]! > Number(from) && rvs[1]! > rvs[0]! && rvs[2]! > rvs[1]!);
        assert.deepEqual(await eventsWithin(w, 100), []);
      } finally { w.stop(); }
    }));

    it('no gap and no duplicate while writes race the start of a watch', () => withStore(make, {}, async (s) => {
      for (let i = 0; i < 20; i++) await createReport(s, 'team-1', `pre${i}`);
      const from = await s.currentResourceVersion();
      const writes = Array.from({ length: 60 }, (_, i) => createReport(s, 'team-1', `w${i}`));
      const w = await s.watch(POLR, { resourceVersion: from });
      try {
        await Promise.all(writes);
        const evs = await takeEvents(w, 60);
        const rvs = evs.map((e) => Number(e.object.metadata.resourceVersion));
        for (let i = 1; i < rvs.length; i++) assert.ok(rvs[i]! > rvs[i - 1]!, 'strictly increasing');
        assert.equal(new Set(evs.map((e) => e.object.metadata.name)).size, 60);
        assert.ok(evs.every((e) => e.type === 'ADDED' && e.object.metadata.name!.startsWith('w')));
        assert.deepEqual(await eventsWithin(w, 100), []);
      } finally { w.stop(); }
    }));

    it('resourceVersion 0 sends synthetic ADDED for the current state (paged), then live changes', () => withStore(make, {}, async (s) => {
      await Promise.all(Array.from({ length: 520 }, (_, i) => createReport(s, `ns-${i % 4}`, `r${i}`, { seed: i, results: makeResults(i, 1) })));
      const w = await s.watch(POLR, { resourceVersion: '0' });
      try {
        const initial = await takeEvents(w, 520, 10_000);
        assert.ok(initial.every((e) => e.type === 'ADDED'));
        assert.equal(new Set(initial.map((e) => `${e.object.metadata.namespace}/${e.object.metadata.name}`)).size, 520);
        await s.delete(polrKey('ns-0', 'r0'));
        const [del] = await takeEvents(w, 1);
        assert.equal(`${del!.type} ${del!.object.metadata.name}`, 'DELETED r0');
      } finally { w.stop(); }
    }));

    it('sendInitialEvents ends the initial state with an annotated BOOKMARK', () => withStore(make, {}, async (s) => {
      await createReport(s, 'team-1', 'a');
      await createReport(s, 'team-1', 'b');
      const rv = await s.currentResourceVersion();
      const w = await s.watch(POLR, { sendInitialEvents: true, allowBookmarks: true });
      try {
        const evs = await takeEvents(w, 3);
        assert.deepEqual(evs.map((e) => e.type), ['ADDED', 'ADDED', 'BOOKMARK']);
        const bm = evs[2]!.object;
        assert.equal(bm.metadata.annotations?.['k8s.io/initial-events-end'], 'true');
        assert.equal(bm.metadata.resourceVersion, rv);
        assert.equal(bm.kind, 'PolicyReport');
        assert.equal(bm.apiVersion, 'wgpolicyk8s.io/v1beta1');
        await createReport(s, 'team-1', 'c');
        assert.deepEqual(kinds(await takeEvents(w, 1)), ['ADDED c']);
      } finally { w.stop(); }
    }));

    it('allowBookmarks sends periodic BOOKMARKs carrying the current resourceVersion', () => withStore(make, { bookmarkIntervalMs: 50 }, async (s) => {
      await createReport(s, 'team-1', 'a');
      const w = await s.watch(POLR, { resourceVersion: await s.currentResourceVersion(), allowBookmarks: true });
      try {
        await createReport(s, 'team-2', 'b');
        const rv = await s.currentResourceVersion();
        const evs = await takeEvents(w, 3, 3000);
        assert.equal(evs[0]!.type, 'ADDED');
        const bookmarks = evs.filter((e) => e.type === 'BOOKMARK');
        assert.ok(bookmarks.length >= 1);
        assert.equal(bookmarks[bookmarks.length - 1]!.object.metadata.resourceVersion, rv);
        assert.equal(bookmarks[0]!.object.results, undefined);
      } finally { w.stop(); }
      const plain = await s.watch(POLR, { resourceVersion: await s.currentResourceVersion() });
      try {
        assert.deepEqual(await eventsWithin(plain, 200), []);
      } finally { plain.stop(); }
    }));

    it('filters by namespace and field selector', () => withStore(make, {}, async (s) => {
      const from = await s.currentResourceVersion();
      const ns = await s.watch({ ...POLR, namespace: 'team-1' }, { resourceVersion: from });
      const fld = await s.watch(POLR, { resourceVersion: from, fields: [{ field: 'scope.kind', op: '=', value: 'Deployment' }] });
      try {
        await createReport(s, 'team-2', 'x', { scopeKind: 'Deployment' });
        await createReport(s, 'team-1', 'y', { scopeKind: 'Pod' });
        assert.deepEqual(kinds(await takeEvents(ns, 1)), ['ADDED y']);
        assert.deepEqual(kinds(await takeEvents(fld, 1)), ['ADDED x']);
        assert.deepEqual(await eventsWithin(ns, 100), []);
        assert.deepEqual(await eventsWithin(fld, 50), []);
      } finally { ns.stop(); fld.stop(); }
    }));

    it('label selectors turn stopped/started matching into DELETED/ADDED', () => withStore(make, {}, async (s) => {
      const key = polrKey('team-1', 't');
      const w = await s.watch(POLR, { resourceVersion: await s.currentResourceVersion(), labels: [{ key: 'watch', op: 'in', values: ['me'] }] });
      try {
        const c = await createReport(s, 'team-1', 't', { labels: {} });
        const on = await s.update(key, { ...c, metadata: { ...c.metadata, labels: { watch: 'me' } } });
        const mod = await s.update(key, { ...on, results: makeResults(11) });
        const off = await s.update(key, { ...mod, metadata: { ...mod.metadata, labels: { watch: 'no' } } });
        await s.delete(key);
        const evs = await takeEvents(w, 3);
        assert.deepEqual(evs.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
        assert.equal(evs[0]!.object.metadata.resourceVersion, on.metadata.resourceVersion);
        assert.equal(evs[2]!.object.metadata.resourceVersion, off.metadata.resourceVersion);
        assert.equal(evs[2]!.object.metadata.labels?.['watch'], 'me');
        assert.deepEqual(await eventsWithin(w, 100), []);
      } finally { w.stop(); }
    }));

    it('replayed selector transitions match live ones', () => withStore(make, {}, async (s) => {
      const key = polrKey('team-1', 't');
      await createReport(s, 'team-9', 'unrelated');
      const from = await s.currentResourceVersion();
      const c = await createReport(s, 'team-1', 't', { labels: {} });
      const on = await s.update(key, { ...c, metadata: { ...c.metadata, labels: { watch: 'me' } } });
      await s.update(key, { ...on, metadata: { ...on.metadata, labels: {} } });
      const w = await s.watch(POLR, { resourceVersion: from, labels: [{ key: 'watch', op: 'exists', values: [] }] });
      try {
        assert.deepEqual(kinds(await takeEvents(w, 2)), ['ADDED t', 'DELETED t']);
      } finally { w.stop(); }
    }));

    it('finalizers: marking is MODIFIED, the final removal DELETED', () => withStore(make, {}, async (s) => {
      const key = polrKey('team-1', 'f');
      await createReport(s, 'team-1', 'f', { finalizers: ['x/y'] });
      const w = await s.watch(POLR, { resourceVersion: await s.currentResourceVersion() });
      try {
        const { object } = await s.delete(key);
        await s.update(key, { ...object, metadata: { ...object.metadata, finalizers: [] } });
        const evs = await takeEvents(w, 2);
        assert.deepEqual(evs.map((e) => e.type), ['MODIFIED', 'DELETED']);
        assert.ok(evs[0]!.object.metadata.deletionTimestamp);
      } finally { w.stop(); }
    }));

    it('a watcher that does not read is evicted instead of blocking writers', () => withStore(make, { watchBufferSize: 5 }, async (s) => {
      const slow = await s.watch(POLR, { resourceVersion: await s.currentResourceVersion() });
      const fast = await s.watch(POLR, { resourceVersion: await s.currentResourceVersion() });
      const started = Date.now();
      for (let i = 0; i < 30; i++) {
        await createReport(s, 'team-1', `e${i}`);
        if (i % 3 === 0) await takeEvents(fast, i === 0 ? 1 : 3);
      }
      assert.ok(Date.now() - started < 10_000);
      await takeEvents(fast, 2);
      assert.equal(await endsWithin(slow, 2000), true);
      fast.stop();
      assert.equal(await endsWithin(fast, 1000), true);
    }));

    it('a compacted resourceVersion is 410 Gone; stop() ends the stream', () => withStore(make, { historyRetentionMs: 1 }, async (s) => {
      await createReport(s, 'team-1', 'a');
      const old = await s.currentResourceVersion();
      await createReport(s, 'team-1', 'b');
      await createReport(s, 'team-1', 'c');
      await sleep(20);
      await s.compact();
      await assert.rejects(s.watch(POLR, { resourceVersion: old }), GoneError);
      const w = await s.watch(POLR, { resourceVersion: await s.currentResourceVersion() });
      w.stop();
      assert.equal(await endsWithin(w, 1000), true);
    }));

    it('an ended watch reports its events in resourceVersion order (sanity of describe helper)', () => withStore(make, {}, async (s) => {
      const w = await s.watch(POLR, { resourceVersion: await s.currentResourceVersion() });
      try {
        await createReport(s, 'team-1', 'z');
        const [ev] = await takeEvents(w, 1);
        assert.match(describeEvent(ev!), /^ADDED team-1\/z@\d+$/);
      } finally { w.stop(); }
    }));
  });
}

/** Initial state larger than the buffer: a reader that keeps reading is never evicted. */
export function watchBackpressureContract(make: ContractStoreFactory): void {
  describe('watch backpressure', () => {
    it('an initial state larger than watchBufferSize reaches a reading watcher in full', () => withStore(make, { watchBufferSize: 40 }, async (s) => {
      await Promise.all(Array.from({ length: 300 }, (_, i) => createReport(s, `ns-${i % 3}`, `r${i}`, { seed: i, results: makeResults(i, 1) })));
      const w = await s.watch(POLR, { resourceVersion: '0', sendInitialEvents: true });
      try {
        const evs = await takeEvents(w, 301, 15_000);
        assert.equal(evs.filter((e) => e.type === 'ADDED').length, 300);
        assert.equal(evs[300]!.type, 'BOOKMARK');
      } finally { w.stop(); }
    }));
  });
}

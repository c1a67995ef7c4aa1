/** Contract: list ordering, selectors in every form, pagination over consistent snapshots, Exact reads, 410. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError, GoneError } from '@docket/model';
import type { FieldRequirement, LabelRequirement, ReportStore } from '@docket/store';
import { POLR, createReport, makeReport, makeResults, names, polrKey, sleep, type ContractStoreFactory } from './contract-fixtures.ts';
import { withStore } from './contract-crud.ts';

const CONTINUE_GONE = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

async function seedSelectors(s: ReportStore): Promise<void> {
  await createReport(s, 'team-1', 'a', { seed: 1, labels: { env: 'prod', tier: 'web' }, scopeKind: 'Pod', source: 'kyverno' });
  await createReport(s, 'team-1', 'b', { seed: 2, labels: { env: 'dev' }, scopeKind: 'Deployment', source: 'kyverno' });
  await createReport(s, 'team-2', 'c', { seed: 3, labels: { env: 'prod' }, scopeKind: 'Pod', source: 'trivy' });
  await createReport(s, 'team-2', 'd', { seed: 4, labels: {}, scopeKind: 'StatefulSet' });
}

async function listNames(s: ReportStore, labels?: LabelRequirement[], fields?: FieldRequirement[]): Promise<string[]> {
  return names((await s.list(POLR, { labels, fields })).items);
}

export function listContract(make: ContractStoreFactory): void {
  describe('list', () => {
    it('orders by (namespace, name) and honours the collection namespace', () => withStore(make, {}, async (s) => {
      for (const [ns, n] of [['b', 'z'], ['a', 'y'], ['b', 'a'], ['a', 'x10'], ['a', 'x9']] as const) await createReport(s, ns, n);
      assert.deepEqual(await listNames(s), ['a/x10', 'a/x9', 'a/y', 'b/a', 'b/z']);
      assert.deepEqual(names((await s.list({ ...POLR, namespace: 'b' })).items), ['b/a', 'b/z']);
      assert.deepEqual((await s.list({ ...POLR, namespace: 'nope' })).items, []);
    }));

    it('label selectors: in, notin, exists, notexists, combined', () => withStore(make, {}, async (s) => {
      await seedSelectors(s);
      assert.deepEqual(await listNames(s, [{ key: 'env', op: 'in', values: ['prod'] }]), ['team-1/a', 'team-2/c']);
      assert.deepEqual(await listNames(s, [{ key: 'env', op: 'in', values: ['prod', 'dev'] }]), ['team-1/a', 'team-1/b', 'team-2/c']);
      assert.deepEqual(await listNames(s, [{ key: 'env', op: 'notin', values: ['prod'] }]), ['team-1/b', 'team-2/d']);
      assert.deepEqual(await listNames(s, [{ key: 'tier', op: 'exists', values: [] }]), ['team-1/a']);
      assert.deepEqual(await listNames(s, [{ key: 'env', op: 'notexists', values: [] }]), ['team-2/d']);
      assert.deepEqual(await listNames(s, [{ key: 'env', op: 'in', values: ['prod'] }, { key: 'tier', op: 'notexists', values: [] }]), ['team-2/c']);
    }));

    it('field selectors on every selectable field, = and !=', () => withStore(make, {}, async (s) => {
      await seedSelectors(s);
      assert.deepEqual(await listNames(s, [], [{ field: 'metadata.name', op: '=', value: 'c' }]), ['team-2/c']);
      assert.deepEqual(await listNames(s, [], [{ field: 'metadata.namespace', op: '!=', value: 'team-1' }]), ['team-2/c', 'team-2/d']);
      assert.deepEqual(await listNames(s, [], [{ field: 'scope.kind', op: '=', value: 'Pod' }]), ['team-1/a', 'team-2/c']);
      assert.deepEqual(await listNames(s, [], [{ field: 'scope.name', op: '=', value: 'app-2' }]), ['team-1/b']);
      assert.deepEqual(await listNames(s, [], [{ field: 'scope.namespace', op: '=', value: 'team-2' }]), ['team-2/c', 'team-2/d']);
      assert.deepEqual(await listNames(s, [], [{ field: 'scope.uid', op: '=', value: '00000000-0000-4000-8000-000000000004' }]), ['team-2/d']);
      assert.deepEqual(await listNames(s, [], [{ field: 'source', op: '=', value: 'trivy' }]), ['team-2/c']);
      assert.deepEqual(await listNames(s, [], [{ field: 'source', op: '!=', value: 'kyverno' }]), ['team-2/c', 'team-2/d']);
      assert.deepEqual(await listNames(s, [{ key: 'env', op: 'exists', values: [] }], [{ field: 'scope.kind', op: '!=', value: 'Pod' }]), ['team-1/b']);
    }));

    it('paginates with opaque continue tokens and remainingItemCount', () => withStore(make, {}, async (s) => {
      await Promise.all(Array.from({ length: 25 }, (_, i) => createReport(s, `ns-${i % 3}`, `r-${String(i).padStart(2, '0')}`, { seed: i })));
      const all = names((await s.list(POLR)).items);
      const seen: string[] = [];
      const p1 = await s.list(POLR, { limit: 10 });
      assert.equal(p1.items.length, 10);
      assert.ok(p1.continue);
      assert.equal(p1.remainingItemCount, 15);
      seen.push(...names(p1.items));
      const p2 = await s.list(POLR, { limit: 10, continue: p1.continue });
      assert.equal(p2.remainingItemCount, 5);
      assert.equal(p2.resourceVersion, p1.resourceVersion);
      seen.push(...names(p2.items));
      const p3 = await s.list(POLR, { limit: 10, continue: p2.continue });
      assert.equal(p3.items.length, 5);
      assert.equal(p3.continue, undefined);
      seen.push(...names(p3.items));
      assert.deepEqual(seen, all);
      assert.equal(all.length, 25);
      const exact = await s.list(POLR, { limit: 25 });
      assert.equal(exact.continue, undefined);
    }));

    it('later pages reflect the first page snapshot despite concurrent writes', () => withStore(make, {}, async (s) => {
      for (let i = 0; i < 12; i++) await createReport(s, 'team-1', `r${String(i).padStart(2, '0')}`, { seed: i, labels: { keep: 'yes' } });
      const p1 = await s.list(POLR, { limit: 4, labels: [{ key: 'keep', op: 'in', values: ['yes'] }] });
      assert.deepEqual(names(p1.items), ['team-1/r00', 'team-1/r01', 'team-1/r02', 'team-1/r03']);
      // Between pages: delete one later object, change another's results, make one stop matching,
      // add objects before and after the cursor, and delete + recreate one.
      await s.delete(polrKey('team-1', 'r05'));
      const r06 = await s.get(polrKey('team-1', 'r06'));
      await s.update(polrKey('team-1', 'r06'), { ...r06, results: makeResults(99) });
      const r07 = await s.get(polrKey('team-1', 'r07'));
      await s.update(polrKey('team-1', 'r07'), { ...r07, metadata: { ...r07.metadata, labels: { keep: 'no' } } });
      await createReport(s, 'team-1', 'r00a', { labels: { keep: 'yes' } });
      await createReport(s, 'team-1', 'r08a', { labels: { keep: 'yes' } });
      await s.delete(polrKey('team-1', 'r09'));
      await createReport(s, 'team-1', 'r09', { seed: 500, labels: { keep: 'yes' } });
      const rest: ReturnType<typeof names> = [];
      let cont = p1.continue;
      const items = [];
      while (cont) {
        const p = await s.list(POLR, { limit: 4, continue: cont, labels: [{ key: 'keep', op: 'in', values: ['yes'] }] });
        assert.equal(p.resourceVersion, p1.resourceVersion);
        rest.push(...names(p.items));
        items.push(...p.items);
        cont = p.continue;
      }
      assert.deepEqual(rest, ['team-1/r04', 'team-1/r05', 'team-1/r06', 'team-1/r07', 'team-1/r08', 'team-1/r09', 'team-1/r10', 'team-1/r11']);
      assert.deepEqual(items.find((o) => o.metadata.name === 'r06')?.results, makeResults(6));
      assert.equal(items.find((o) => o.metadata.name === 'r09')?.scope?.name, 'app-9');
      for (const o of items) assert.ok(Number(o.metadata.resourceVersion) <= Number(p1.resourceVersion));
      // A fresh list sees the new state.
      const now = names((await s.list(POLR, { labels: [{ key: 'keep', op: 'in', values: ['yes'] }] })).items);
      assert.ok(now.includes('team-1/r00a') && now.includes('team-1/r08a') && !now.includes('team-1/r05') && !now.includes('team-1/r07'));
    }));

    it('resourceVersionMatch=Exact serves the state at that version', () => withStore(make, {}, async (s) => {
      const a = await createReport(s, 'team-1', 'a', { seed: 1 });
      await createReport(s, 'team-1', 'b', { seed: 2 });
      const at = await s.currentResourceVersion();
      await s.update(polrKey('team-1', 'a'), { ...a, results: makeResults(42) });
      await s.delete(polrKey('team-1', 'b'));
      await createReport(s, 'team-1', 'c');
      const old = await s.list(POLR, { resourceVersion: at, resourceVersionMatch: 'Exact' });
      assert.equal(old.resourceVersion, at);
      assert.deepEqual(names(old.items), ['team-1/a', 'team-1/b']);
      assert.deepEqual(old.items[0]!.results, makeResults(1));
      const newest = await s.list(POLR, { resourceVersion: at, resourceVersionMatch: 'NotOlderThan' });
      assert.deepEqual(names(newest.items), ['team-1/a', 'team-1/c']);
      assert.ok(Number(newest.resourceVersion) > Number(at));
      const any = await s.list(POLR, { resourceVersion: '0' });
      assert.deepEqual(names(any.items), ['team-1/a', 'team-1/c']);
    }));

    it('compaction expires continue tokens and old Exact versions with 410 Gone', () => withStore(make, { historyRetentionMs: 1 }, async (s) => {
      for (let i = 0; i < 4; i++) await createReport(s, 'team-1', `r${i}`);
      const p1 = await s.list(POLR, { limit: 2 });
      const at = p1.resourceVersion;
      await createReport(s, 'team-1', 'late');
      await sleep(20);
      const compacted = await s.compact();
      assert.ok(Number(compacted) >= Number(at), `compacted ${compacted} >= ${at}`);
      await createReport(s, 'team-1', 'later');
      await assert.rejects(s.list(POLR, { limit: 2, continue: p1.continue }), (e: unknown) => {
        assert.ok(e instanceof GoneError);
        assert.equal(e.message, CONTINUE_GONE);
        return true;
      });
      await assert.rejects(s.list(POLR, { resourceVersion: String(Number(at) - 1), resourceVersionMatch: 'Exact' }), GoneError);
    }));

    it('compaction keeps what the retention window still covers', () => withStore(make, { historyRetentionMs: 60_000 }, async (s) => {
      for (let i = 0; i < 4; i++) await createReport(s, 'team-1', `r${i}`);
      const p1 = await s.list(POLR, { limit: 2 });
      await s.delete(polrKey('team-1', 'r3'));
      await s.compact();
      const p2 = await s.list(POLR, { limit: 2, continue: p1.continue });
      assert.deepEqual(names(p2.items), ['team-1/r2', 'team-1/r3']);
    }));

    it('summary projection omits results but keeps metadata and summary', () => withStore(make, {}, async (s) => {
      const c = await createReport(s, 'team-1', 'a');
      const { items } = await s.list(POLR, { projection: 'summary' });
      assert.equal(items.length, 1);
      assert.equal(items[0]!.results, undefined);
      assert.deepEqual(items[0]!.summary, c.summary);
      assert.deepEqual(items[0]!.metadata, c.metadata);
      assert.deepEqual(items[0]!.scope, c.scope);
    }));

    it('rejects a malformed continue token', () => withStore(make, {}, async (s) => {
      await assert.rejects(s.list(POLR, { limit: 1, continue: 'not-a-token' }), BadRequestError);
    }));

    it('a list without limit returns everything', () => withStore(make, {}, async (s) => {
      await Promise.all(Array.from({ length: 120 }, (_, i) => s.create(polrKey(`ns-${i % 7}`, `r${i}`), makeReport({ namespace: `ns-${i % 7}`, name: `r${i}`, seed: i }))));
      const { items, continue: cont } = await s.list(POLR);
      assert.equal(items.length, 120);
      assert.equal(cont, undefined);
    }));
  });
}

/** Contract: object lifecycle (create, get, update, delete, finalizers, dryRun, errors, group commit). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlreadyExistsError, ConflictError, NotFoundError } from '@docket/model';
import type { ReportStore, StoreOptions } from '@docket/store';
import { CPOLR, OR_REPORTS, POLR, createReport, makeReport, makeResults, polrKey, type ContractStoreFactory } from './contract-fixtures.ts';

const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

export async function withStore<T>(make: ContractStoreFactory, opts: StoreOptions, fn: (s: ReportStore) => Promise<T>): Promise<T> {
  const store = await make(opts);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function crudContract(make: ContractStoreFactory): void {
  describe('object lifecycle', () => {
    it('create stamps uid, creationTimestamp, generation and resourceVersion; get returns the same object', () => withStore(make, {}, async (s) => {
      const before = Number(await s.currentResourceVersion());
      const created = await createReport(s, 'team-1', 'r1');
      const m = created.metadata;
      assert.match(m.uid ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.match(m.creationTimestamp ?? '', RFC3339_SECONDS);
      assert.equal(m.generation, 1);
      assert.equal(m.name, 'r1');
      assert.equal(m.namespace, 'team-1');
      assert.ok(Number(m.resourceVersion) > before);
      assert.equal(await s.currentResourceVersion(), m.resourceVersion);
      const got = await s.get(polrKey('team-1', 'r1'));
      assert.deepEqual(got, created);
      assert.equal(got.results?.length, 17);
      assert.deepEqual(got.results, makeResults(1));
    }));

    it('create never overwrites: AlreadyExists with the kube message', () => withStore(make, {}, async (s) => {
      const first = await createReport(s, 'team-1', 'dup', { seed: 1 });
      await assert.rejects(createReport(s, 'team-1', 'dup', { seed: 2 }), (e: unknown) => {
        assert.ok(e instanceof AlreadyExistsError);
        assert.equal(e.message, 'policyreports.wgpolicyk8s.io "dup" already exists');
        assert.deepEqual(e.subject, { group: 'wgpolicyk8s.io', kind: 'policyreports', name: 'dup' });
        return true;
      });
      assert.deepEqual(await s.get(polrKey('team-1', 'dup')), first);
    }));

    it('generateName yields the prefix plus a 5-character suffix, distinct per create', () => withStore(make, {}, async (s) => {
      const key = { ...polrKey('team-1', ''), name: '' };
      const a = await s.create(key, makeReport({ namespace: 'team-1', generateName: 'scan-' }));
      const b = await s.create(key, makeReport({ namespace: 'team-1', generateName: 'scan-' }));
      assert.match(a.metadata.name ?? '', /^scan-[a-z0-9]{5}$/);
      assert.notEqual(a.metadata.name, b.metadata.name);
      assert.equal(a.metadata.generateName, 'scan-');
      assert.equal((await s.get(polrKey('team-1', a.metadata.name!))).metadata.uid, a.metadata.uid);
    }));

    it('update preserves uid and creationTimestamp, bumps generation only for non-metadata changes', () => withStore(make, {}, async (s) => {
      const c = await createReport(s, 'team-1', 'u');
      const body = makeReport({ namespace: 'team-1', name: 'u', labels: { extra: 'yes' } });
      const labelsOnly = await s.update(polrKey('team-1', 'u'), body);
      assert.equal(labelsOnly.metadata.uid, c.metadata.uid);
      assert.equal(labelsOnly.metadata.creationTimestamp, c.metadata.creationTimestamp);
      assert.equal(labelsOnly.metadata.generation, 1);
      assert.ok(Number(labelsOnly.metadata.resourceVersion) > Number(c.metadata.resourceVersion));
      const spec = await s.update(polrKey('team-1', 'u'), { ...body, results: makeResults(9) });
      assert.equal(spec.metadata.generation, 2);
      assert.ok(Number(spec.metadata.resourceVersion) > Number(labelsOnly.metadata.resourceVersion));
      assert.deepEqual((await s.get(polrKey('team-1', 'u'))).results, makeResults(9));
    }));

    it('an update that changes nothing keeps the resourceVersion (as kube does)', () => withStore(make, {}, async (s) => {
      const c = await createReport(s, 'team-1', 'same');
      const again = await s.update(polrKey('team-1', 'same'), c);
      assert.equal(again.metadata.resourceVersion, c.metadata.resourceVersion);
      assert.equal(await s.currentResourceVersion(), c.metadata.resourceVersion);
    }));

    it('update with a stale resourceVersion is a Conflict with the kube message', () => withStore(make, {}, async (s) => {
      const c = await createReport(s, 'team-1', 'occ');
      const u = await s.update(polrKey('team-1', 'occ'), { ...c, results: makeResults(3) }, { expectedResourceVersion: c.metadata.resourceVersion });
      await assert.rejects(s.update(polrKey('team-1', 'occ'), { ...c, results: makeResults(4) }, { expectedResourceVersion: c.metadata.resourceVersion }),
        (e: unknown) => {
          assert.ok(e instanceof ConflictError);
          assert.equal(e.message, 'Operation cannot be fulfilled on policyreports.wgpolicyk8s.io "occ": the object has been modified; please apply your changes to the latest version and try again');
          return true;
        });
      assert.deepEqual(await s.get(polrKey('team-1', 'occ')), u);
    }));

    it('get, update and delete of a missing object are NotFound', () => withStore(make, {}, async (s) => {
      const key = polrKey('team-1', 'x');
      const check = (e: unknown): boolean => {
        assert.ok(e instanceof NotFoundError);
        assert.equal(e.message, 'policyreports.wgpolicyk8s.io "x" not found');
        assert.deepEqual(e.subject, { group: 'wgpolicyk8s.io', kind: 'policyreports', name: 'x' });
        return true;
      };
      await assert.rejects(s.get(key), check);
      await assert.rejects(s.update(key, makeReport({ namespace: 'team-1', name: 'x' })), check);
      await assert.rejects(s.delete(key), check);
    }));

    it('delete without finalizers removes the object', () => withStore(make, {}, async (s) => {
      const c = await createReport(s, 'team-1', 'd');
      const r = await s.delete(polrKey('team-1', 'd'));
      assert.equal(r.deleted, true);
      assert.equal(r.object.metadata.uid, c.metadata.uid);
      assert.ok(Number(r.object.metadata.resourceVersion) > Number(c.metadata.resourceVersion));
      await assert.rejects(s.get(polrKey('team-1', 'd')), NotFoundError);
      const again = await createReport(s, 'team-1', 'd');
      assert.notEqual(again.metadata.uid, c.metadata.uid);
    }));

    it('finalizers: delete marks with deletionTimestamp; emptying finalizers deletes', () => withStore(make, {}, async (s) => {
      const key = polrKey('team-1', 'f');
      const c = await createReport(s, 'team-1', 'f', { finalizers: ['docket.io/hold'] });
      const marked = await s.delete(key);
      assert.equal(marked.deleted, false);
      assert.match(marked.object.metadata.deletionTimestamp ?? '', RFC3339_SECONDS);
      assert.equal(marked.object.metadata.generation, 2);
      const stored = await s.get(key);
      assert.equal(stored.metadata.deletionTimestamp, marked.object.metadata.deletionTimestamp);
      const second = await s.delete(key);
      assert.equal(second.deleted, false);
      assert.equal(second.object.metadata.resourceVersion, stored.metadata.resourceVersion);
      const keepOther = await s.update(key, { ...stored, metadata: { ...stored.metadata, labels: { a: 'b' } } });
      assert.equal(keepOther.metadata.deletionTimestamp, marked.object.metadata.deletionTimestamp);
      const final = await s.update(key, { ...keepOther, metadata: { ...keepOther.metadata, finalizers: [] } });
      assert.equal(final.metadata.uid, c.metadata.uid);
      assert.ok(Number(final.metadata.resourceVersion) > Number(keepOther.metadata.resourceVersion));
      await assert.rejects(s.get(key), NotFoundError);
    }));

    it('delete preconditions on uid and resourceVersion are Conflicts', () => withStore(make, {}, async (s) => {
      const c = await createReport(s, 'team-1', 'p');
      const key = polrKey('team-1', 'p');
      await assert.rejects(s.delete(key, { expectedUid: '00000000-0000-0000-0000-000000000000' }), ConflictError);
      await assert.rejects(s.delete(key, { expectedResourceVersion: '1' + c.metadata.resourceVersion }), ConflictError);
      assert.equal((await s.get(key)).metadata.uid, c.metadata.uid);
      const r = await s.delete(key, { expectedUid: c.metadata.uid, expectedResourceVersion: c.metadata.resourceVersion });
      assert.equal(r.deleted, true);
    }));

    it('dryRun computes the result but persists nothing', () => withStore(make, {}, async (s) => {
      const rv0 = await s.currentResourceVersion();
      const dry = await s.create(polrKey('team-1', 'dry'), makeReport({ namespace: 'team-1', name: 'dry' }), { dryRun: true });
      assert.equal(dry.metadata.name, 'dry');
      assert.ok(dry.metadata.uid);
      await assert.rejects(s.get(polrKey('team-1', 'dry')), NotFoundError);
      assert.equal(await s.currentResourceVersion(), rv0);
      const c = await createReport(s, 'team-1', 'dry');
      const u = await s.update(polrKey('team-1', 'dry'), { ...c, results: makeResults(5) }, { dryRun: true });
      assert.deepEqual(u.results, makeResults(5));
      assert.deepEqual(await s.get(polrKey('team-1', 'dry')), c);
      const d = await s.delete(polrKey('team-1', 'dry'), { dryRun: true });
      assert.equal(d.deleted, true);
      assert.deepEqual(await s.get(polrKey('team-1', 'dry')), c);
      assert.equal(await s.currentResourceVersion(), c.metadata.resourceVersion);
    }));

    it('deleteCollection deletes exactly the matching objects', () => withStore(make, {}, async (s) => {
      await createReport(s, 'team-1', 'a', { labels: { tier: 'x' } });
      await createReport(s, 'team-1', 'b', { labels: { tier: 'y' } });
      await createReport(s, 'team-2', 'c', { labels: { tier: 'x' } });
      const gone = await s.deleteCollection({ ...POLR, namespace: 'team-1' }, { labels: [{ key: 'tier', op: 'in', values: ['x'] }] });
      assert.deepEqual(gone.map((o) => o.metadata.name), ['a']);
      const left = await s.list(POLR);
      assert.deepEqual(left.items.map((o) => o.metadata.name), ['b', 'c']);
    }));

    it('groups, resources and scopes are separate key spaces', () => withStore(make, {}, async (s) => {
      await s.create({ ...CPOLR, namespace: '', name: 'same' }, makeReport({ namespace: '', name: 'same', kind: 'ClusterPolicyReport' }));
      await createReport(s, 'team-1', 'same');
      await s.create({ ...OR_REPORTS, namespace: 'team-1', name: 'same' },
        makeReport({ namespace: 'team-1', name: 'same', apiVersion: 'openreports.io/v1alpha1', kind: 'Report' }));
      const cluster = await s.get({ ...CPOLR, namespace: '', name: 'same' });
      assert.equal(cluster.metadata.namespace, undefined);
      assert.equal(cluster.kind, 'ClusterPolicyReport');
      assert.equal((await s.get({ ...OR_REPORTS, namespace: 'team-1', name: 'same' })).apiVersion, 'openreports.io/v1alpha1');
      assert.equal((await s.list(POLR)).items.length, 1);
      assert.equal((await s.list(CPOLR)).items.length, 1);
      assert.equal((await s.list(OR_REPORTS)).items.length, 1);
    }));

    it('resourceVersions are strictly increasing and shared by all resources', () => withStore(make, {}, async (s) => {
      const rvs: number[] = [];
      for (let i = 0; i < 5; i++) rvs.push(Number((await createReport(s, 'team-1', `m${i}`)).metadata.resourceVersion));
      rvs.push(Number((await s.create({ ...CPOLR, namespace: '', name: 'c' }, makeReport({ namespace: '', name: 'c' }))).metadata.resourceVersion));
      rvs.push(Number((await s.delete(polrKey('team-1', 'm0'))).object.metadata.resourceVersion));
      for (let i = 1; i < rvs.length; i++) assert.ok(rvs[i]! > rvs[i - 1]!, `rv ${rvs[i]} after ${rvs[i - 1]}`);
      assert.equal(await s.currentResourceVersion(), String(rvs[rvs.length - 1]));
    }));

    it('concurrent writes: one failing write does not fail the others', () => withStore(make, {}, async (s) => {
      await createReport(s, 'team-1', 'w3');
      const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => createReport(s, 'team-1', `w${i}`)));
      const failed = settled.filter((r) => r.status === 'rejected');
      assert.equal(failed.length, 1);
      assert.ok((failed[0] as PromiseRejectedResult).reason instanceof AlreadyExistsError);
      const rvs = settled.flatMap((r) => (r.status === 'fulfilled' ? [Number(r.value.metadata.resourceVersion)] : []));
      assert.equal(new Set(rvs).size, 9);
      const listed = await s.list({ ...POLR, namespace: 'team-1' });
      assert.equal(listed.items.length, 10);
      assert.equal(listed.resourceVersion, String(Math.max(...rvs)));
    }));
  });
}

/** Contract: what survives close and reopen (objects, rows, resourceVersion, change log). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { POLR, createReport, makeResults, names, polrKey, takeEvents, type ContractStoreFactory } from './contract-fixtures.ts';

export function durabilityContract(make: ContractStoreFactory): void {
  describe('durability', () => {
    it('objects and the resourceVersion survive close and reopen; RV never goes back', async () => {
      const s1 = await make();
      const a = await createReport(s1, 'team-1', 'a', { labels: { env: 'prod' } });
      await createReport(s1, 'team-1', 'b');
      await s1.delete(polrKey('team-1', 'b'));
      const rv1 = await s1.currentResourceVersion();
      await s1.close();
      const s2 = await make({ reuse: s1 });
      try {
        assert.equal(await s2.currentResourceVersion(), rv1);
        assert.deepEqual(await s2.get(polrKey('team-1', 'a')), a);
        assert.deepEqual(names((await s2.list(POLR, { labels: [{ key: 'env', op: 'in', values: ['prod'] }] })).items), ['team-1/a']);
        const c = await createReport(s2, 'team-1', 'c');
        assert.ok(Number(c.metadata.resourceVersion) > Number(rv1));
      } finally { await s2.close(); }
    });

    it('a watch resumes after reopen from a resourceVersion handed out before', async () => {
      const s1 = await make();
      const a = await createReport(s1, 'team-1', 'a');
      const from = await s1.currentResourceVersion();
      await s1.update(polrKey('team-1', 'a'), { ...a, results: makeResults(3) });
      await s1.close();
      const s2 = await make({ reuse: s1 });
      try {
        const w = await s2.watch(POLR, { resourceVersion: from });
        await createReport(s2, 'team-1', 'b');
        const evs = await takeEvents(w, 2);
        assert.deepEqual(evs.map((e) => `${e.type} ${e.object.metadata.name}`), ['MODIFIED a', 'ADDED b']);
        w.stop();
      } finally { await s2.close(); }
    });
  });
}

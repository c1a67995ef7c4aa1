/**
 * The DeliveryStore contract: one definition of outbox behaviour every engine must pass. Engines
 * call `runDeliveryContract('sqlite', freshUrl)` from their own test file; `freshUrl` names an
 * empty database each call (a store URL as `openStore` takes it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '@docket/model';
import { openDeliveryStore, openStore, type DeliveryStore } from '@docket/store';
import { deliveryQueueContract } from './delivery-contract-queue.ts';

export type FreshUrl = () => Promise<string>;

export async function withStore<T>(url: string, fn: (s: DeliveryStore) => Promise<T>, clusterId?: string): Promise<T> {
  const s = await openDeliveryStore(url, clusterId ? { clusterId } : {});
  try { return await fn(s); } finally { await s.close(); }
}

export const items = (target: string, n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ target, key: `k${from + i}`, payload: { n: from + i, text: `result ${from + i}` } }));

export function runDeliveryContract(name: string, freshUrl: FreshUrl): void {
  describe(`DeliveryStore contract: ${name}`, () => {
    it('enqueues each (target, key) once and sets cursors in the same call', async () => {
      await withStore(await freshUrl(), async (s) => {
        assert.equal(await s.readCursor('rv'), undefined);
        assert.equal(await s.enqueue(items('slack', 3), { rv: '10' }), 3);
        assert.equal(await s.enqueue([...items('slack', 4), { target: 'loki', key: 'k0', payload: 1 }], { rv: '11', other: 'x' }), 2);
        assert.equal(await s.readCursor('rv'), '11');
        assert.equal(await s.readCursor('other'), 'x');
        const page = await s.list({});
        assert.deepEqual(page.items.map((d) => `${d.target}/${d.key}`), ['slack/k0', 'slack/k1', 'slack/k2', 'slack/k3', 'loki/k0']);
        assert.deepEqual(page.items[1]!.payload, { n: 1, text: 'result 1' });
        assert.ok(page.items.every((d) => d.state === 'pending' && d.attempts === 0));
        assert.equal(await s.enqueue([], { rv: '12' }), 0);
        assert.equal(await s.readCursor('rv'), '12');
      });
    });

    it('rejects a bad item and then stores nothing of that call', async () => {
      await withStore(await freshUrl(), async (s) => {
        await s.enqueue(items('slack', 1), { rv: '1' });
        await assert.rejects(s.enqueue([...items('slack', 2, 5), { target: '', key: 'x', payload: 1 }], { rv: '2' }),
          (e: unknown) => e instanceof BadRequestError && /deliveries\[2\]\.target/.test(e.message));
        await assert.rejects(s.enqueue([{ target: 't', key: 'x', payload: undefined }]), /payload/);
        assert.equal((await s.list({})).items.length, 1);
        assert.equal(await s.readCursor('rv'), '1');
      });
    });

    it('keeps rows and cursors across close and reopen, next to the report store in the same database', async () => {
      const url = await freshUrl();
      const reports = await openStore(url);
      try {
        await withStore(url, (s) => s.enqueue(items('slack', 2), { rv: '7' }));
        await reports.create({ group: 'wgpolicyk8s.io', resource: 'policyreports', namespace: 'default', name: 'r1' },
          { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name: 'r1', namespace: 'default' }, results: [] } as never);
        await withStore(url, async (s) => {
          assert.equal(await s.readCursor('rv'), '7');
          assert.equal((await s.list({})).items.length, 2);
          assert.equal(await s.enqueue(items('slack', 3)), 1);
        });
        assert.equal((await reports.list({ group: 'wgpolicyk8s.io', resource: 'policyreports' }, {})).items.length, 1);
      } finally {
        await reports.close();
      }
    });

    it('refuses an unknown store URL or synchronous mode', async () => {
      await assert.rejects(openDeliveryStore('mysql://x'), BadRequestError);
      await assert.rejects(openDeliveryStore('sqlite:/tmp/x.db?synchronous=OFF'), /synchronous=OFF/);
    });

    it('keeps clusters apart', async () => {
      const url = await freshUrl();
      await withStore(url, (s) => s.enqueue(items('slack', 2), { rv: 'a' }), 'east');
      await withStore(url, async (s) => {
        assert.equal(await s.readCursor('rv'), undefined);
        assert.equal((await s.list({})).items.length, 0);
        assert.equal((await s.claim({ target: 'slack', owner: 'w', limit: 10, leaseMs: 1000 })).items.length, 0);
        assert.equal(await s.enqueue(items('slack', 2)), 2);
      }, 'west');
      await withStore(url, async (s) => assert.deepEqual(await s.counts(), [{ target: 'slack', state: 'pending', count: 2 }]), 'east');
    });

    it('lists with filters and keyset pages', async () => {
      await withStore(await freshUrl(), async (s) => {
        await s.enqueue([...items('a', 13), ...items('b', 12)]);
        const c = await s.claim({ target: 'b', owner: 'o', limit: 5, leaseMs: 60_000 });
        await s.markDead(c.token, c.items.map((d) => d.id), 'boom');
        const seen: string[] = [];
        let cont: string | undefined;
        let pages = 0;
        do {
          const p = await s.list({ limit: 10, continue: cont });
          seen.push(...p.items.map((d) => d.id));
          cont = p.continue;
          pages++;
        } while (cont);
        assert.equal(pages, 3);
        assert.equal(new Set(seen).size, 25);
        assert.deepEqual(seen, [...seen].sort((x, y) => Number(x) - Number(y)));
        assert.equal((await s.list({ target: 'a', limit: 1000 })).items.length, 13);
        const dead = await s.list({ target: 'b', state: 'dead' });
        assert.deepEqual(dead.items.map((d) => d.key), ['k0', 'k1', 'k2', 'k3', 'k4']);
        assert.equal(dead.items[0]!.lastError, 'boom');
        assert.equal(dead.continue, undefined);
        assert.equal((await s.list({ target: 'a', state: 'dead' })).items.length, 0);
        await assert.rejects(s.list({ continue: 'garbage!' }), BadRequestError);
        await assert.rejects(s.list({ state: 'lost' as never }), BadRequestError);
        await assert.rejects(s.list({ limit: 0 }), BadRequestError);
        assert.deepEqual(await s.counts(), [
          { target: 'a', state: 'pending', count: 13 }, { target: 'b', state: 'dead', count: 5 }, { target: 'b', state: 'pending', count: 7 },
        ]);
        assert.deepEqual(await s.counts(['dead', 'sent']), [{ target: 'b', state: 'dead', count: 5 }]);
        assert.deepEqual(await s.counts([]), []);
      });
    });

    deliveryQueueContract(freshUrl);
  });
}

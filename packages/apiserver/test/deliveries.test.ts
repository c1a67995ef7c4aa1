/**
 * GET /docket/v1/deliveries and /summary over a real socket, backed by a real SQLite outbox and
 * report store in one file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '@docket/apiserver';
import { openDeliveryStore, openStore, type DeliveryStore, type ReportStore } from '@docket/store';

describe('deliveries routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-deliveries-api-'));
  let reports: ReportStore;
  let outbox: DeliveryStore;
  let app: FastifyInstance;
  let bare: FastifyInstance;
  let base = '';
  let bareBase = '';
  const get = async (path: string, root = base) => {
    const res = await fetch(root + path);
    return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, any> };
  };

  before(async () => {
    const url = `sqlite:${join(dir, 'docket.db')}`;
    reports = await openStore(url);
    outbox = await openDeliveryStore(url);
    await outbox.enqueue([
      ...Array.from({ length: 7 }, (_, i) => ({ target: 'slack', key: `s${i}`, payload: { resultId: `s${i}`, n: i } })),
      ...Array.from({ length: 3 }, (_, i) => ({ target: 'loki', key: `l${i}`, payload: { resultId: `l${i}` } })),
    ]);
    const c = await outbox.claim({ target: 'loki', owner: 'test', limit: 2, leaseMs: 60_000 });
    await outbox.markDead(c.token, c.items.map((d) => d.id), 'loki: HTTP 400: entry too far behind');
    const s = await outbox.claim({ target: 'slack', owner: 'test', limit: 1, leaseMs: 60_000 });
    await outbox.markSent(s.token, s.items.map((d) => d.id));
    app = buildApiServer({ store: reports, deliveries: outbox });
    bare = buildApiServer({ store: reports });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    bareBase = await bare.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app?.close();
    await bare?.close();
    await outbox?.close();
    await reports?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists deliveries with filters; dead letters carry their last error and attempts', async () => {
    const all = await get('/docket/v1/deliveries');
    assert.equal(all.status, 200);
    assert.match(all.type, /application\/json/);
    assert.equal(all.body.kind, 'DeliveryList');
    assert.equal(all.body.items.length, 10);
    const dead = await get('/docket/v1/deliveries?state=dead');
    assert.deepEqual(dead.body.items.map((d: any) => [d.target, d.key, d.state, d.attempts, d.lastError]), [
      ['loki', 'l0', 'dead', 1, 'loki: HTTP 400: entry too far behind'], ['loki', 'l1', 'dead', 1, 'loki: HTTP 400: entry too far behind'],
    ]);
    assert.ok(!Number.isNaN(Date.parse(dead.body.items[0].doneAt)), 'times are RFC 3339');
    assert.deepEqual(dead.body.items[0].payload, { resultId: 'l0' });
    const slackPending = await get('/docket/v1/deliveries?target=slack&state=pending');
    assert.deepEqual(slackPending.body.items.map((d: any) => d.key), ['s1', 's2', 's3', 's4', 's5', 's6']);
  });

  it('pages with limit and continue', async () => {
    const keys: string[] = [];
    let path = '/docket/v1/deliveries?target=slack&limit=3';
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 5);
      const page = await get(path);
      keys.push(...page.body.items.map((d: any) => d.key));
      const cont = page.body.metadata.continue as string | undefined;
      if (!cont) break;
      path = `/docket/v1/deliveries?target=slack&limit=3&continue=${encodeURIComponent(cont)}`;
    }
    assert.deepEqual(keys, ['s0', 's1', 's2', 's3', 's4', 's5', 's6']);
  });

  it('summarises per target and state', async () => {
    const s = await get('/docket/v1/deliveries/summary');
    assert.equal(s.status, 200);
    assert.deepEqual(s.body.targets, [
      { target: 'loki', pending: 1, inflight: 0, sent: 0, dead: 2 },
      { target: 'slack', pending: 6, inflight: 0, sent: 1, dead: 0 },
    ]);
  });

  it('answers bad parameters with a 400 Status', async () => {
    for (const q of ['state=lost', 'limit=0', 'limit=abc', 'continue=not-a-token', 'state=dead&state=sent']) {
      const r = await get(`/docket/v1/deliveries?${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.reason, 'BadRequest');
      assert.equal(r.body.code, 400);
      assert.ok(r.body.message.length > 0);
    }
  });

  it('is absent (404 Status) when the server has no outbox', async () => {
    const r = await get('/docket/v1/deliveries', bareBase);
    assert.equal(r.status, 404);
    assert.equal(r.body.kind, 'Status');
  });
});

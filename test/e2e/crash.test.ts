// SIGKILL `docket serve` while concurrent writers create and update reports, restart it on the
// same store, and check that every acknowledged write survived at the resourceVersion it was
// acknowledged with, and that resourceVersions keep increasing after the restart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDocket, type DocketServer } from '../support/docket.ts';
import { createTestDatabase, type TestDatabase } from '../support/pg.ts';
import { report } from './fixtures.ts';

const WRITERS = 8;
/** Kill once this many writes were acknowledged (or after KILL_AFTER_MS, whichever comes first). */
const KILL_AFTER_ACKS = 240;
const KILL_AFTER_MS = 8000;
const COLLECTION = '/apis/wgpolicyk8s.io/v1alpha2/namespaces/crash/policyreports';

interface Tracked {
  /** resourceVersion of the last acknowledged write. */
  ackedRv?: bigint;
  /** A write whose answer never came (the server died): it may or may not have been committed. */
  inDoubt: boolean;
  /** Which result the last acknowledged write set. */
  ackedResult?: string;
}

async function write(url: string, method: 'POST' | 'PUT', name: string, result: string, rv?: bigint): Promise<bigint> {
  const body = report({ name, namespace: 'crash', labels: { run: 'crash' }, results: ['pass', result, 'warn'] });
  if (rv !== undefined) (body.metadata as Record<string, unknown>).resourceVersion = String(rv);
  const res = await fetch(`${url}${COLLECTION}${method === 'PUT' ? `/${name}` : ''}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as { metadata?: { resourceVersion?: string }; message?: string };
  if (res.status >= 300) throw new Error(`${method} ${name}: HTTP ${res.status} ${json.message}`);
  return BigInt(json.metadata!.resourceVersion!);
}

function defineCrashTest(engine: string, setup: () => Promise<{ store: string; cleanup(): Promise<void> }>): void {
  describe(`crash safety (${engine})`, () => {
    let store: string;
    let cleanup: () => Promise<void>;
    let server: DocketServer | undefined;
    before(async () => ({ store, cleanup } = await setup()));
    after(async () => {
      await server?.stop('SIGKILL').catch(() => undefined);
      await cleanup?.();
    });

    it('keeps every acknowledged write across a SIGKILL and never reuses a resourceVersion', async () => {
      const args = ['--listen', '127.0.0.1:0', '--store', store, '--log-level', 'error'];
      server = await startDocket(args);
      const first = server;
      const objects = new Map<string, Tracked>();
      let acks = 0;
      let dead = false;
      const unexpected: string[] = [];

      const writer = async (w: number) => {
        for (let seq = 0; !dead; seq++) {
          // Two of three operations create a new report; the third updates this writer's previous one.
          const update = seq % 3 === 2;
          const name = update ? `w${w}-${seq - 1}` : `w${w}-${seq}`;
          const t = objects.get(name) ?? { inDoubt: false };
          objects.set(name, t);
          const result = update ? 'fail' : 'pass';
          t.inDoubt = true;
          try {
            t.ackedRv = await write(first.url, update ? 'PUT' : 'POST', name, result, update ? t.ackedRv : undefined);
            t.ackedResult = result;
            t.inDoubt = false;
            acks++;
          } catch (e) {
            if (!dead) unexpected.push(String(e));
            return;
          }
        }
      };
      const started = Date.now();
      const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
      while (acks < KILL_AFTER_ACKS && Date.now() - started < KILL_AFTER_MS && unexpected.length === 0) await new Promise((r) => setTimeout(r, 5));
      dead = true;
      const killed = await first.stop('SIGKILL');
      await Promise.all(writers);
      assert.deepEqual(unexpected, [], 'writes failed before the kill');
      assert.equal(killed.signal, 'SIGKILL');
      assert.ok(acks >= 20, `only ${acks} writes were acknowledged before the kill`);

      server = await startDocket(args);
      const url = server.url;
      assert.equal((await fetch(`${url}/readyz`)).status, 200);
      const listRes = await fetch(`${url}${COLLECTION}`);
      assert.equal(listRes.status, 200);
      const list = (await listRes.json()) as { metadata: { resourceVersion: string }; items: { metadata: { name: string; resourceVersion: string }; results: { result: string }[] }[] };
      const stored = new Map(list.items.map((i) => [i.metadata.name, i]));

      const maxAcked = [...objects.values()].reduce((m, t) => (t.ackedRv !== undefined && t.ackedRv > m ? t.ackedRv : m), 0n);
      const problems: string[] = [];
      for (const [name, t] of objects) {
        const s = stored.get(name);
        if (t.ackedRv === undefined) continue; // never acknowledged: may or may not exist
        if (!s) {
          problems.push(`${name}: acknowledged at ${t.ackedRv}, missing after restart`);
          continue;
        }
        const rv = BigInt(s.metadata.resourceVersion);
        if (t.inDoubt ? rv < t.ackedRv : rv !== t.ackedRv) problems.push(`${name}: acknowledged at ${t.ackedRv}, stored at ${rv}${t.inDoubt ? ' (older than acknowledged)' : ''}`);
        if (!t.inDoubt && s.results[1]?.result !== t.ackedResult) problems.push(`${name}: result ${s.results[1]?.result}, acknowledged ${t.ackedResult}`);
      }
      for (const name of stored.keys()) if (!objects.has(name)) problems.push(`${name}: stored but never written`);
      assert.deepEqual(problems, []);
      assert.ok(BigInt(list.metadata.resourceVersion) >= maxAcked, `list resourceVersion ${list.metadata.resourceVersion} < acknowledged ${maxAcked}`);

      const highestStored = list.items.reduce((m, i) => (BigInt(i.metadata.resourceVersion) > m ? BigInt(i.metadata.resourceVersion) : m), 0n);
      const after1 = await write(url, 'POST', 'after-restart-1', 'pass');
      const after2 = await write(url, 'POST', 'after-restart-2', 'pass');
      assert.ok(after1 > highestStored && after1 > maxAcked, `resourceVersion went back: ${after1} after ${highestStored}`);
      assert.ok(after2 > after1);
      const stopped = await server.stop('SIGTERM');
      assert.equal(stopped.code, 0, 'graceful shutdown exits 0');
      server = undefined;
    });
  });
}

defineCrashTest('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-crash-'));
  return { store: `sqlite:${join(dir, 'data', 'docket.db')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

defineCrashTest('PostgreSQL', async () => {
  const db: TestDatabase = await createTestDatabase('docket_e2e_crash');
  return { store: db.url, cleanup: () => db.drop() };
});

/** SQLite-specific behaviour beyond the contract: URL opening, page reuse, normalised rows. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { BadRequestError, type ManagedFieldsEntry, type ReportObject } from '@docket/model';
import { createSqliteStore, openStore } from '@docket/store';
import { POLR, makeReport, makeResults, polrKey, sleep } from './contract-fixtures.ts';
import { decodeDoc, encodeDoc } from '../src/sqlite/codec.ts';

const dir = mkdtempSync(join(tmpdir(), 'docket-sqlite-engine-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite engine', () => {
  it('openStore picks the engine from the URL', async () => {
    const mem = await openStore('sqlite::memory:');
    assert.equal(mem.engine, 'sqlite');
    await mem.create(polrKey('a', 'b'), makeReport({ namespace: 'a', name: 'b' }));
    assert.equal((await mem.list(POLR)).items.length, 1);
    await mem.close();
    const file = join(dir, 'open.db');
    const s = await openStore(`sqlite:${file}?synchronous=NORMAL`, { clusterId: 'c1' });
    assert.equal(s.clusterId, 'c1');
    await s.ping();
    await s.close();
    assert.ok(statSync(file).size > 0);
    await assert.rejects(openStore('nosuch://x'), BadRequestError);
    await assert.rejects(openStore(`sqlite:${file}?synchronous=OFF`), BadRequestError);
  });

  it('stores one row per result and per label, stamped with the cluster id', async () => {
    const path = join(dir, 'rows.db');
    const s = await createSqliteStore({ path, clusterId: 'east' });
    const c = await s.create(polrKey('team-1', 'r'), makeReport({ namespace: 'team-1', name: 'r', labels: { a: '1', b: '2' } }));
    assert.equal(await s.countResults(POLR), 17, 'a result query writes the waiting rows first');
    await s.update(polrKey('team-1', 'r'), { ...c, results: makeResults(2, 5) });
    await s.close();
    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare(`SELECT k.cluster_id, k.result, r.seq, length(r.result_id) AS idLen, r.subject_uid FROM results r
        JOIN result_keys k ON k.id = r.key_id ORDER BY r.seq`).all() as { cluster_id: string; result: string; seq: number; idLen: number; subject_uid: string | null }[];
      assert.equal(rows.length, 5);
      assert.deepEqual(rows.map((r) => r.result), makeResults(2, 5).map((r) => r.result));
      assert.ok(rows.every((r) => r.cluster_id === 'east' && r.idLen === 16 && r.subject_uid === null));
      // 17 + 5 results over 17 policies with two results and two severities: interned, not repeated.
      const keys = db.prepare('SELECT count(*) FROM result_keys').pluck().get() as number;
      assert.ok(keys <= 17 * 2 && keys >= 17, `result_keys ${keys}`);
      assert.deepEqual(db.prepare('SELECT key, value, cluster_id FROM labels ORDER BY key').all(), [
        { key: 'a', value: '1', cluster_id: 'east' }, { key: 'b', value: '2', cluster_id: 'east' },
      ]);
      assert.equal(db.prepare('SELECT count(*) FROM objects WHERE cluster_id = ?').pluck().get('east'), 1);
    } finally { db.close(); }
  });

  it('the file does not grow when every report is rewritten after the retention window', async () => {
    const path = join(dir, 'reuse.db');
    const s = await createSqliteStore({ path, historyRetentionMs: 1, sqliteSynchronous: 'NORMAL' });
    const keys = Array.from({ length: 150 }, (_, i) => polrKey(`ns-${i % 5}`, `r${i}`));
    await Promise.all(keys.map((k, i) => s.create(k, makeReport({ namespace: k.namespace, name: k.name, seed: i }))));
    const pages = (): number => {
      const db = new Database(path, { readonly: true });
      try { return db.pragma('page_count', { simple: true }) as number; } finally { db.close(); }
    };
    const sizes: number[] = [];
    for (let round = 1; round <= 4; round++) {
      await Promise.all(keys.map(async (k, i) => {
        const cur = await s.get(k);
        await s.update(k, { ...cur, results: makeResults(i + round * 1000) });
      }));
      await sleep(5);
      // In service the result rows are written within 250 ms, long before compaction; a result query
      // writes them now (the rounds here take milliseconds).
      await s.countResults(POLR);
      await s.compact();
      sizes.push(pages());
    }
    await s.close();
    assert.ok(sizes[3]! <= sizes[1]! * 1.1, `pages per round ${sizes.join(', ')}`);
  });
});

describe('sqlite engine: one file, several clusters', () => {
  it('stores with different cluster ids share the file and the resourceVersion counter but not objects', async () => {
    const path = join(dir, 'clusters.db');
    const east = await createSqliteStore({ path, clusterId: 'east' });
    const west = await createSqliteStore({ path, clusterId: 'west' });
    try {
      const a = await east.create(polrKey('team-1', 'same'), makeReport({ namespace: 'team-1', name: 'same', seed: 1 }));
      const b = await west.create(polrKey('team-1', 'same'), makeReport({ namespace: 'team-1', name: 'same', seed: 2 }));
      assert.notEqual(a.metadata.uid, b.metadata.uid);
      assert.ok(Number(b.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
      assert.equal((await east.get(polrKey('team-1', 'same'))).scope?.name, 'app-1');
      assert.equal((await west.get(polrKey('team-1', 'same'))).scope?.name, 'app-2');
      assert.equal((await east.list(POLR)).items.length, 1);
      await west.delete(polrKey('team-1', 'same'));
      assert.equal((await east.list(POLR)).items.length, 1);
    } finally {
      await east.close();
      await west.close();
    }
  });
});

describe('sqlite engine: result key dictionary', () => {
  it('keys pruned by one store are not reused from another store\'s cache on the same file', async () => {
    const path = join(dir, 'prune.db');
    const east = await createSqliteStore({ path, clusterId: 'east' });
    const west = await createSqliteStore({ path, clusterId: 'west' });
    try {
      const odd = makeResults(4, 3).map((r) => ({ ...r, policy: 'pruned-policy' }));
      await west.create(polrKey('team-1', 'w'), makeReport({ namespace: 'team-1', name: 'w', results: odd }));
      await west.delete(polrKey('team-1', 'w'));
      await east.compact();
      await west.create(polrKey('team-1', 'w2'), makeReport({ namespace: 'team-1', name: 'w2', results: odd }));
      assert.equal(await west.countResults(POLR, { policy: 'pruned-policy' }), 3);
      assert.equal(await east.countResults(POLR, { policy: 'pruned-policy' }), 0);
    } finally {
      await east.close();
      await west.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      const dangling = db.prepare('SELECT count(*) FROM results r WHERE NOT EXISTS (SELECT 1 FROM result_keys k WHERE k.id = r.key_id)').pluck().get();
      assert.equal(dangling, 0);
    } finally { db.close(); }
  });
});

describe('sqlite engine: result rows written in bulk', () => {
  it('an acknowledged write flags its object until its rows are written; a crash in between is repaired on open', async () => {
    const path = join(dir, 'bulk.db');
    const s = await createSqliteStore({ path });
    const raw = new Database(path, { readonly: true });
    const stale = (): number => raw.prepare('SELECT count(*) FROM objects WHERE results_stale IS NOT NULL').pluck().get() as number;
    const rows = (): number => raw.prepare('SELECT count(*) FROM results').pluck().get() as number;
    try {
      await Promise.all([0, 1, 2].map((i) => s.create(polrKey('team-1', `b${i}`), makeReport({ namespace: 'team-1', name: `b${i}`, seed: i }))));
      assert.equal(stale(), 3, 'the documents are committed, their rows wait');
      assert.equal(rows(), 0);
      const fails = [0, 1, 2].reduce((n, i) => n + makeResults(i).filter((r) => r.result === 'fail').length, 0);
      assert.equal(await s.countResults(POLR, { result: 'fail' }), fails);
      assert.equal(stale(), 0);
      assert.equal(rows(), 3 * 17);
      await s.delete(polrKey('team-1', 'b2'));
      assert.equal(rows(), 2 * 17, 'a delete removes its rows at once');
      const cur = await s.get(polrKey('team-1', 'b1'));
      await s.update(polrKey('team-1', 'b1'), { ...cur, results: makeResults(1, 4) });
      assert.equal(stale(), 1);
    } finally { await s.close(); }
    assert.equal(stale(), 0, 'close writes what waits');
    assert.equal(rows(), 17 + 4);
    raw.close();

    // As if the process died after committing documents and before their rows were written.
    const w = new Database(path);
    w.exec('UPDATE objects SET results_stale = 1; DELETE FROM results;');
    w.close();
    const again = await createSqliteStore({ path });
    try {
      assert.equal(await again.countResults(POLR), 17 + 4);
      assert.equal(await again.countResults({ ...POLR, namespace: 'team-1' }, { policy: makeResults(1, 4)[0]!.policy }), 1 + 1);
    } finally { await again.close(); }
  });
});

describe('sqlite engine: migrations', () => {
  it('an older schema is migrated on open and the schema version recorded', async () => {
    const path = join(dir, 'migrate.db');
    const s1 = await createSqliteStore({ path });
    await Promise.all(Array.from({ length: 7 }, (_, i) => s1.create(polrKey('team-1', `r${i}`), makeReport({ namespace: 'team-1', name: `r${i}`, seed: i }))));
    await s1.close();
    const raw = new Database(path);
    const latest = raw.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as number;
    assert.ok(latest >= 2);
    raw.exec(`DROP INDEX objects_results_stale; ALTER TABLE objects DROP COLUMN results_stale;
      DROP TABLE counts; ALTER TABLE objects DROP COLUMN mf; ALTER TABLE history DROP COLUMN mf;
      ALTER TABLE history DROP COLUMN uid; UPDATE meta SET value = 1 WHERE key = 'schema_version'`);
    raw.close();
    const s2 = await createSqliteStore({ path });
    try {
      const page = await s2.list(POLR, { limit: 3 });
      assert.equal(page.remainingItemCount, 4);
    } finally { await s2.close(); }
    const check = new Database(path, { readonly: true });
    try {
      assert.equal(check.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get(), latest);
    } finally { check.close(); }
    const again = await createSqliteStore({ path });
    await again.close();
  });
});

describe('sqlite engine: row encoding', () => {
  it('splits managedFields off a slim head and reads old full-head rows unchanged', async () => {
    const path = join(dir, 'slim.db');
    const s = await createSqliteStore({ path });
    const base = makeReport({ namespace: 'team-1', name: 'mf' });
    const managedFields: ManagedFieldsEntry[] = [{ manager: 'kubectl', operation: 'Update', apiVersion: base.apiVersion, fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { '.': {} } } } }];
    const created = await s.create(polrKey('team-1', 'mf'), { ...base, metadata: { ...base.metadata, managedFields } });
    const updated = await s.update(polrKey('team-1', 'mf'), { ...created, summary: { pass: 9 } });
    const got = await s.get(polrKey('team-1', 'mf'));
    assert.equal(JSON.stringify(got), JSON.stringify(updated));
    assert.deepEqual(got.metadata.managedFields, managedFields);
    const summary = await s.list(POLR, { projection: 'summary' });
    assert.deepEqual(summary.items[0]!.metadata.managedFields, managedFields);
    // The superseded version (history) decodes to what was returned at the time.
    const old = await s.list(POLR, { resourceVersion: created.metadata.resourceVersion, resourceVersionMatch: 'Exact' });
    assert.equal(JSON.stringify(old.items[0]), JSON.stringify(created));
    await s.close();

    const raw = new Database(path);
    const row = raw.prepare('SELECT head, mf FROM objects').get() as { head: string; mf: Buffer | null };
    assert.ok(row.mf !== null && !row.head.includes('managedFields') && !row.head.includes(got.metadata.uid!));
    const { results: _r, ...head } = updated;
    // A row written before slim heads: everything inside head, mf NULL.
    raw.prepare('UPDATE objects SET head = ?, mf = NULL').run(JSON.stringify(head));
    raw.close();
    const s2 = await createSqliteStore({ path });
    try {
      assert.equal(JSON.stringify(await s2.get(polrKey('team-1', 'mf'))), JSON.stringify(updated));
    } finally { await s2.close(); }
  });

  it('the codec slims a head only when decoding restores the same bytes', () => {
    const base = makeReport({ namespace: 'team-1', name: 'order' });
    const id = { group: POLR.group, resource: POLR.resource, namespace: 'team-1', name: 'order', uid: 'u-1', rv: 7 };
    const managedFields: ManagedFieldsEntry[] = [{ manager: 'kubectl', operation: 'Update', apiVersion: base.apiVersion, fieldsType: 'FieldsV1', fieldsV1: {} }];
    const meta = { name: 'order', namespace: 'team-1', uid: 'u-1', resourceVersion: '7', generation: 1 };
    const canonical = { ...base, metadata: { ...meta, labels: { a: 'b' }, managedFields } };
    const variants: [string, ReportObject, boolean][] = [
      ['canonical order', canonical, true],
      ['managedFields before another field', { ...base, metadata: { ...meta, managedFields, labels: { a: 'b' } } }, false],
      ['uid before name', { ...base, metadata: { uid: 'u-1', name: 'order', namespace: 'team-1', resourceVersion: '7' } }, false],
      ['kind before apiVersion', { kind: base.kind, apiVersion: base.apiVersion, metadata: { ...meta } } as ReportObject, false],
      ['stale resourceVersion', { ...base, metadata: { ...meta, resourceVersion: '6' } }, false],
    ];
    for (const [what, obj, slim] of variants) {
      const enc = encodeDoc(obj, id);
      assert.equal(enc.head.startsWith(' '), slim, what);
      const back = decodeDoc({ head: enc.head, mf: enc.mf, results: enc.results }, id);
      assert.equal(JSON.stringify(back), JSON.stringify(obj), what);
    }
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createSyncPipeline, createWalSync, type DurableSync } from '../src/sqlite/wal-sync.ts';
import { createGroupCommitter } from '../src/sqlite/group-commit.ts';

/** A sync whose completions the test releases by hand. */
function manualSync() {
  const pending: ((e?: Error) => void)[] = [];
  const sync: DurableSync = (done) => { pending.push(done); };
  return { sync, pending };
}

test('one fsync in flight; batches committed meanwhile share the next one, in order', () => {
  const { sync, pending } = manualSync();
  const p = createSyncPipeline(sync);
  const order: string[] = [];
  p.after(() => order.push('a'));
  p.after(() => order.push('b'));
  p.after(() => order.push('c'));
  assert.equal(pending.length, 1, 'only the first call starts an fsync');
  pending.shift()!();
  assert.deepEqual(order, ['a']);
  assert.equal(pending.length, 1, 'b and c wait for a second fsync');
  pending.shift()!();
  assert.deepEqual(order, ['a', 'b', 'c']);
  assert.equal(pending.length, 0);
});

test('an fsync error reaches every batch it covered', () => {
  const { sync, pending } = manualSync();
  const p = createSyncPipeline(sync);
  const errors: (Error | undefined)[] = [];
  p.after((e) => errors.push(e));
  pending.shift()!(new Error('EIO'));
  assert.equal(errors[0]?.message, 'EIO');
});

test('the group committer acknowledges only after the sync completes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-walsync-'));
  try {
    const db = new Database(join(dir, 'a.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (v INTEGER)');
    const { sync, pending } = manualSync();
    let published = 0;
    const gc = createGroupCommitter({
      db, getRv: () => 0, saveRv: () => {}, committed: () => { published++; }, sync,
    });
    let acked = false;
    const write = gc.run(() => { db.prepare('INSERT INTO t VALUES (1)').run(); return { value: 'ok' }; })
      .then((v) => { acked = true; return v; });
    while (pending.length === 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(acked, false, 'not acknowledged before the fsync');
    assert.equal(published, 0, 'watchers not told before the fsync');
    pending.shift()!();
    assert.equal(await write, 'ok');
    assert.equal(published, 1);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('createWalSync fsyncs the live WAL and follows it when it is replaced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-walsync-'));
  const path = join(dir, 'b.db');
  const run = (s: DurableSync) => new Promise<void>((res, rej) => s((e) => (e ? rej(e) : res())));
  try {
    let db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1)');
    const s = createWalSync(path);
    await run(s);
    db.close(); // deletes the WAL
    await assert.rejects(run(s), /ENOENT/);
    db = new Database(path);
    db.exec('INSERT INTO t VALUES (2)'); // a new WAL file
    await run(s);
    s.close();
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('afterCommit callbacks run once the batch commits, in order, and not for a write rolled back alone', async () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v INTEGER)');
  const gc = createGroupCommitter({ db, getRv: () => 0, saveRv: () => {}, committed: () => {} });
  const seen: string[] = [];
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const ok = (name: string) => gc.run((tx) => { insert.run(1); tx.afterCommit(() => seen.push(name)); return { value: name }; });
  const failing = gc.run((tx) => { insert.run(2); tx.afterCommit(() => seen.push('failed')); throw new Error('no'); });
  const all = Promise.allSettled([ok('a'), failing, ok('b')]);
  assert.deepEqual(seen, [], 'nothing before the batch commits');
  const outcomes = await all;
  assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.deepEqual(seen, ['a', 'b']);
  assert.deepEqual(db.prepare('SELECT v FROM t').pluck().all(), [1, 1]);
  db.close();
});

/**
 * An acknowledged write survives SIGKILL: a child process writes through the store and prints one
 * line per acknowledged write; we kill it mid-stream and check every acknowledged write is there.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { createSqliteStore } from '@docket/store';
import { polrKey } from './contract-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'docket-kill-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const storeEntry = new URL('../src/index.ts', import.meta.url).pathname;
const fixtures = new URL('./contract-fixtures.ts', import.meta.url).pathname;

// The child keeps 16 writes in flight (creates, then updates of earlier objects) forever.
const CHILD = `
import { createSqliteStore } from ${JSON.stringify(storeEntry)};
import { makeReport, makeResults, polrKey } from ${JSON.stringify(fixtures)};
const store = await createSqliteStore({ path: process.argv[process.argv.length - 1] });
let i = 0;
const created = [];
async function worker() {
  for (;;) {
    const n = i++;
    if (n % 4 === 3 && created.length > 0) {
      const name = created[n % created.length];
      const cur = await store.get(polrKey('team-1', name));
      const u = await store.update(polrKey('team-1', name), { ...cur, results: makeResults(n) });
      process.stdout.write('upd ' + name + ' ' + n + ' ' + u.metadata.resourceVersion + '\\n');
    } else {
      const c = await store.create(polrKey('team-1', 'r' + n), makeReport({ namespace: 'team-1', name: 'r' + n, seed: n }));
      created.push('r' + n);
      process.stdout.write('add r' + n + ' ' + n + ' ' + c.metadata.resourceVersion + '\\n');
    }
  }
}
for (let k = 0; k < 16; k++) void worker();
`;

it('no acknowledged write is lost when the writer is SIGKILLed', async () => {
  const path = join(dir, 'kill.db');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const acks: string[] = [];
  let buf = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child acknowledged only ${acks.length} writes: ${stderr}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      acks.push(...lines);
      if (acks.length >= 400 && child.exitCode === null && !child.killed) {
        child.kill('SIGKILL');
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('close', () => { clearTimeout(timer); resolve(); });
  });
  if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('close', r));
  assert.equal(child.signalCode, 'SIGKILL', `child exited by itself: ${stderr}`);
  // Lines that arrived after the kill signal was sent are acknowledged too: count them.
  if (buf) acks.push(buf);
  const store = await createSqliteStore({ path });
  try {
    let maxRv = 0;
    const updates = new Map<string, number>();
    for (const line of acks) {
      const [op, name, seq, rv] = line.split(' ');
      if (!op || !name || rv === undefined || !/^\d+$/.test(rv)) continue;
      maxRv = Math.max(maxRv, Number(rv));
      const obj = await store.get(polrKey('team-1', name));
      assert.ok(Number(obj.metadata.resourceVersion) >= Number(rv), `${line}: stored rv ${obj.metadata.resourceVersion}`);
      if (op === 'upd') updates.set(name, Math.max(updates.get(name) ?? 0, Number(seq)));
    }
    for (const [name, seq] of updates) {
      const obj = await store.get(polrKey('team-1', name));
      assert.ok(obj.metadata.generation! >= 2, `${name} update ${seq} lost`);
    }
    assert.ok(Number(await store.currentResourceVersion()) >= maxRv);
    assert.ok(acks.length >= 400);
  } finally {
    await store.close();
  }
});

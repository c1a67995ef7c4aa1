/**
 * Dead letters end to end: a dispatcher gives up on a receiver that keeps failing (503 until the
 * attempt limit, 400 at once), and `docket deliveries list` shows the dead rows with their last
 * error through a real API server socket; the REST route shows the same.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '@docket/apiserver';
import { createDispatcher } from '@docket/reporter';
import { openDeliveryStore, openStore, type DeliveryStore, type ReportStore } from '@docket/store';
import { webhookConfigSchema, webhookTarget, type Notification } from '@docket/targets';
import { runCli } from '../src/program.ts';

async function docket(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    version: '0.1.0', fetch: globalThis.fetch, readStdin: async () => '', cwd: process.cwd(), defaultServer: 'http://127.0.0.1:9',
    out: (l) => (stdout += `${l}\n`), err: (l) => (stderr += `${l}\n`), logStream: { write: () => true }, onServing: () => undefined,
  });
  return { code, stdout, stderr };
}

const note = (id: string): Notification => ({
  resultId: id, result: { policy: 'require-labels', rule: 'team', result: 'fail', message: `missing label (${id})` } as Notification['result'],
  report: { name: 'polr', namespace: 'default', kind: 'PolicyReport' },
});

describe('docket deliveries list', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-cli-deliveries-'));
  let receiver: Server;
  let reports: ReportStore;
  let outbox: DeliveryStore;
  let app: FastifyInstance;
  let server = '';
  const hits = { flaky: 0, strict: 0 };

  before(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/flaky') { hits.flaky++; res.writeHead(503).end('upstream unavailable'); return; }
        hits.strict++;
        res.writeHead(400).end('invalid payload: text too long');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    const url = `sqlite:${join(dir, 'docket.db')}`;
    reports = await openStore(url);
    outbox = await openDeliveryStore(url);
    await outbox.enqueue([
      { target: 'flaky', key: 'f1', payload: note('f1') },
      { target: 'strict', key: 's1', payload: note('s1') },
      { target: 'strict', key: 's2', payload: note('s2') },
    ]);
    const deps = { fetch: globalThis.fetch, now: Date.now, logger: { debug() {}, info() {}, warn() {}, error() {} } };
    const make = (name: string) => webhookTarget.create(webhookConfigSchema.parse({ name, webhook: `http://127.0.0.1:${port}/${name}` }), deps);
    const dispatcher = createDispatcher({
      store: outbox, targets: new Map([['flaky', make('flaky')], ['strict', make('strict')]]),
      maxAttempts: 3, backoff: { baseMs: 10, maxMs: 30 }, pollIntervalMs: 50,
    });
    dispatcher.start();
    const end = Date.now() + 15_000;
    while ((await outbox.list({ state: 'dead' })).items.length < 3) {
      if (Date.now() > end) throw new Error('deliveries were not dead-lettered in time');
      await new Promise((r) => setTimeout(r, 20));
    }
    await dispatcher.stop();
    app = buildApiServer({ store: reports, deliveries: outbox });
    server = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app?.close();
    await outbox?.close();
    await reports?.close();
    await new Promise((r) => receiver.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('retried the retryable failure up to the limit and the other not at all', () => {
    assert.deepEqual(hits, { flaky: 3, strict: 2 });
  });

  it('shows dead letters with attempts and last error as JSON', async () => {
    const r = await docket(['deliveries', 'list', '--server', server, '--state', 'dead', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { kind: string; items: Array<Record<string, unknown>> };
    assert.equal(doc.kind, 'DeliveryList');
    assert.deepEqual(doc.items.map((d) => [d['target'], d['key'], d['state'], d['attempts']]), [['flaky', 'f1', 'dead', 3], ['strict', 's1', 'dead', 1], ['strict', 's2', 'dead', 1]]);
    assert.match(String(doc.items[0]!['lastError']), /^flaky: HTTP 503: upstream unavailable/);
    assert.match(String(doc.items[1]!['lastError']), /HTTP 400: invalid payload: text too long/);
  });

  it('prints a table, filtered by target', async () => {
    const r = await docket(['deliveries', 'list', '--server', server, '--target', 'strict']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^ID\s+TARGET\s+STATE\s+ATTEMPTS\s+KEY\s+LAST ERROR$/);
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /strict\s+dead\s+1\s+s1\s+strict: HTTP 400: invalid payload/);
    const summary = await docket(['deliveries', 'summary', '--server', server]);
    assert.match(summary.stdout, /flaky\s+0\s+0\s+0\s+1/);
    assert.match(summary.stdout, /strict\s+0\s+0\s+0\s+2/);
  });

  it('pages through the server with a small --limit', async () => {
    const r = await docket(['deliveries', 'list', '--server', server, '--limit', '2', '-o', 'json']);
    const doc = JSON.parse(r.stdout) as { metadata: { continue?: string }; items: unknown[] };
    assert.equal(doc.items.length, 2);
    assert.ok(doc.metadata.continue);
  });

  it('the REST route shows the same dead letters', async () => {
    const res = await fetch(`${server}/docket/v1/deliveries?state=dead&target=flaky`);
    const body = (await res.json()) as { items: Array<{ attempts: number; lastError: string }> };
    assert.equal(body.items.length, 1);
    assert.equal(body.items[0]!.attempts, 3);
    assert.match(body.items[0]!.lastError, /HTTP 503/);
  });

  it('refuses a bad state (usage) and reports an unreachable server', async () => {
    const bad = await docket(['deliveries', 'list', '--server', server, '--state', 'lost']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /lost/);
    const down = await docket(['deliveries', 'list', '--server', 'http://127.0.0.1:9']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot reach the Docket API/);
  });
});

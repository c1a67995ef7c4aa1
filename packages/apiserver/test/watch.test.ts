import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { openStore } from '@docket/store';
import { startServer, report, json, create, POLR, type TestServer } from './helpers.ts';
import { defaultWatchTimeoutSeconds } from '../src/watch.ts';

let s: TestServer;
let base: string;
before(async () => {
  s = await startServer();
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
});
after(async () => { await s.close(); });

interface WatchLine { type: string; object: Record<string, unknown> }

/** Opens a watch over a real socket; `next()` resolves with the next event line. */
function openWatch(path: string, headers: Record<string, string> = {}) {
  const lines: WatchLine[] = [];
  const waiters: Array<() => void> = [];
  let res: http.IncomingMessage | undefined;
  let ended = false;
  const req = http.get(`${base}${path}`, { headers }, (r) => {
    res = r;
    let buf = '';
    r.setEncoding('utf8');
    r.on('data', (chunk: string) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buf.slice(0, nl)) as WatchLine);
        buf = buf.slice(nl + 1);
        waiters.splice(0).forEach((w) => w());
      }
    });
    r.on('end', () => { ended = true; waiters.splice(0).forEach((w) => w()); });
  });
  let read = 0;
  return {
    response: () => res,
    ended: () => ended,
    async next(timeoutMs = 3000): Promise<WatchLine> {
      const deadline = Date.now() + timeoutMs;
      while (read >= lines.length) {
        if (ended) throw new Error('watch stream ended');
        if (Date.now() > deadline) throw new Error('no watch event in time');
        await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 100); });
      }
      return lines[read++]!;
    },
    close: () => req.destroy(),
  };
}

test('watch streams ADDED/MODIFIED/DELETED with item kinds in the requested version', async () => {
  const list = json((await s.app.inject({ url: POLR })).body);
  const rv = (list['metadata'] as Record<string, string>)['resourceVersion'];
  const w = openWatch(`${POLR}?watch=true&resourceVersion=${rv}`);
  await create(s.app, report('w1'));
  const added = await w.next();
  assert.equal(w.response()!.headers['content-type'], 'application/json;stream=watch');
  assert.equal(w.response()!.headers['transfer-encoding'], 'chunked');
  assert.equal(added.type, 'ADDED');
  assert.equal(added.object['kind'], 'PolicyReport');
  assert.equal(added.object['apiVersion'], 'wgpolicyk8s.io/v1alpha2');
  const patched = await s.app.inject({ method: 'PATCH', url: `${POLR}/w1`, payload: { metadata: { labels: { x: 'y' } } },
    headers: { 'content-type': 'application/merge-patch+json' } });
  assert.equal(patched.statusCode, 200, patched.body);
  const modified = await w.next();
  assert.equal(modified.type, 'MODIFIED');
  assert.deepEqual((modified.object['metadata'] as Record<string, unknown>)['labels'], { x: 'y' });
  await s.app.inject({ method: 'DELETE', url: `${POLR}/w1` });
  assert.equal((await w.next()).type, 'DELETED');
  w.close();
});

test('watch without resourceVersion starts with the current objects', async () => {
  await create(s.app, report('w2'));
  const w = openWatch(`${POLR}?watch=1&fieldSelector=metadata.name%3Dw2`);
  const first = await w.next();
  assert.equal(first.type, 'ADDED');
  assert.equal((first.object['metadata'] as Record<string, unknown>)['name'], 'w2');
  w.close();
});

test('Table watches (kubectl get -w) and metadata watches', async () => {
  const rv = await s.store.currentResourceVersion();
  const t = openWatch(`${POLR}?watch=true&resourceVersion=${rv}`, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
  const m = openWatch(`${POLR}?watch=true&resourceVersion=${rv}`, { accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json' });
  await new Promise((r) => setTimeout(r, 100));
  await create(s.app, report('w3'));
  const te = await t.next();
  assert.equal(te.type, 'ADDED');
  assert.equal(te.object['kind'], 'Table');
  assert.equal((te.object['rows'] as unknown[]).length, 1);
  const me = await m.next();
  assert.equal(me.object['kind'], 'PartialObjectMetadata');
  assert.equal(me.object['results'], undefined);
  t.close();
  m.close();
});

test('timeoutSeconds ends the stream cleanly', async () => {
  const w = openWatch(`${POLR}?watch=true&timeoutSeconds=1&resourceVersion=${await s.store.currentResourceVersion()}`);
  const started = Date.now();
  while (!w.ended() && Date.now() - started < 4000) await new Promise((r) => setTimeout(r, 50));
  assert.ok(w.ended(), 'stream should end after timeoutSeconds');
});

test('a compacted resourceVersion is a 410 ERROR event', async () => {
  // A store keeping no history: after compact() every past version is gone.
  const g = await startServer({ store: await openStore('sqlite::memory:', { historyRetentionMs: 0 }) });
  try {
    await g.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (g.app.server.address() as AddressInfo).port;
    for (const n of ['a', 'b', 'c']) await create(g.app, report(n));
    await g.store.compact();
    const body = await new Promise<string>((resolve, reject) => {
      http.get(`http://127.0.0.1:${port}${POLR}?watch=true&resourceVersion=1`, (r) => {
        assert.equal(r.statusCode, 200);
        let b = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => { b += c; });
        r.on('end', () => resolve(b));
      }).on('error', reject);
    });
    const ev = JSON.parse(body.trim()) as WatchLine;
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object['kind'], 'Status');
    assert.equal(ev.object['code'], 410);
    assert.equal(ev.object['reason'], 'Expired');
  } finally {
    await g.close();
  }
});

test('client-node Watch receives events from the listening server', async () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: base, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const events: Array<{ phase: string; name: string; kind: string }> = [];
  let doneErr: unknown = 'not done';
  const watch = new Watch(kc);
  const rv = await s.store.currentResourceVersion();
  const ctrl = await watch.watch(POLR, { resourceVersion: rv, allowWatchBookmarks: true }, (phase, obj) => {
    events.push({ phase, name: obj?.metadata?.name, kind: obj?.kind });
  }, (err) => { doneErr = err; });
  await create(s.app, report('cn1'));
  const deadline = Date.now() + 3000;
  while (!events.some((e) => e.name === 'cn1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  ctrl.abort();
  assert.deepEqual(events.find((e) => e.name === 'cn1'), { phase: 'ADDED', name: 'cn1', kind: 'PolicyReport' });
  await new Promise((r) => setTimeout(r, 100));
  assert.notEqual(doneErr, 'not done');
});

test('sendInitialEvents: current objects, then a BOOKMARK marking the end of the initial events', async () => {
  await create(s.app, report('init1'));
  const w = openWatch(`${POLR}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&fieldSelector=metadata.name%3Dinit1`);
  const first = await w.next();
  assert.equal(first.type, 'ADDED');
  const bookmark = await w.next();
  assert.equal(bookmark.type, 'BOOKMARK');
  assert.equal(bookmark.object['kind'], 'PolicyReport');
  const meta = bookmark.object['metadata'] as { resourceVersion?: string; annotations?: Record<string, string> };
  assert.ok(meta.resourceVersion);
  assert.equal(meta.annotations?.['k8s.io/initial-events-end'], 'true');
  w.close();
});

test('the default watch timeout is spread over 30 to 60 minutes', () => {
  assert.equal(defaultWatchTimeoutSeconds(() => 0), 1800);
  assert.equal(defaultWatchTimeoutSeconds(() => 0.999999), 3599);
});

test('a client going away stops the store watch (no leak)', async () => {
  const store = await openStore('sqlite::memory:', {});
  let open = 0;
  // Count live store watches by wrapping the store the server is given.
  const counting = Object.create(store, {
    watch: {
      value: async (...args: Parameters<typeof store.watch>) => {
        const w = await store.watch(...args);
        open++;
        let stopped = false;
        return { events: w.events, stop: () => { if (!stopped) { stopped = true; open--; } w.stop(); } };
      },
    },
  }) as typeof store;
  const g = await startServer({ store: counting });
  try {
    await g.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (g.app.server.address() as AddressInfo).port;
    const req = http.get(`http://127.0.0.1:${port}${POLR}?watch=true`, (r) => r.resume());
    const deadline = Date.now() + 3000;
    while (open === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(open, 1);
    req.destroy();
    while (open > 0 && Date.now() < deadline + 3000) await new Promise((r) => setTimeout(r, 20));
    assert.equal(open, 0);
  } finally {
    await g.close();
  }
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTlsFetch, request, SendError, webhookTarget } from '../src/index.ts';
import { ctx, notification, testDeps } from './support/fixtures.ts';
import { refusedUrl, startReceiver } from './support/receiver.ts';

describe('TLS options (certificate, skipTLS) against a real HTTPS receiver', () => {
  let dir: string;
  let server: Server;
  let url: string;
  const bodies: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'docket-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => { bodies.push(body); res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (extra: object) => webhookTarget.create(webhookTarget.configSchema.parse({ webhook: url, ...extra }), testDeps())
    .send([notification()], ctx()).then(() => undefined, (e: unknown) => e);

  it('an untrusted certificate fails without options', async () => {
    const err = await send({});
    assert.ok(err instanceof SendError);
    assert.match(err.message, /network error/);
  });
  it('certificate: trusts the given CA', async () => {
    bodies.length = 0;
    assert.equal(await send({ certificate: join(dir, 'cert.pem') }), undefined);
    assert.equal(JSON.parse(bodies[0]!).policy, 'require-labels');
  });
  it('skipTLS: accepts any certificate', async () => {
    assert.equal(await send({ skipTLS: true }), undefined);
  });
});

describe('createTlsFetch over plain HTTP', () => {
  it('status, headers, body, 204 and refused connections', async () => {
    const receiver = await startReceiver({ status: 201, headers: { 'x-a': 'b' }, body: 'made' });
    try {
      const fetch = createTlsFetch({});
      const res = await fetch(`${receiver.url}/p`, { method: 'PUT', headers: { 'x-h': '1' }, body: 'hi' });
      assert.deepEqual([res.status, res.headers.get('x-a'), await res.text()], [201, 'b', 'made']);
      assert.deepEqual([receiver.requests[0]!.method, receiver.requests[0]!.headers['x-h'], receiver.requests[0]!.text], ['PUT', '1', 'hi']);
      receiver.respond({ status: 204 });
      assert.equal((await fetch(receiver.url, { method: 'POST', body: '' })).status, 204);
      receiver.respond({ status: 429, headers: { 'retry-after': '2' } });
      const limited = await request(testDeps({ fetch }), 't', { url: receiver.url, body: {} }, ctx()).catch((e: unknown) => e);
      assert.ok(limited instanceof SendError);
      assert.equal(limited.retryAfterMs, 2000);
    } finally {
      await receiver.close();
    }
    const err = await request(testDeps({ fetch: createTlsFetch({}) }), 't', { url: await refusedUrl(), body: {} }, ctx()).catch((e: unknown) => e);
    assert.ok(err instanceof SendError);
    assert.equal(err.retryable, true);
    assert.match(err.message, /ECONNREFUSED/);
  });
});

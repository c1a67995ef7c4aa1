// certificate / skipTLS reach the AWS SDK as an https.Agent: checked against a real HTTPS server
// with a self-signed certificate playing an S3-compatible endpoint.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { s3Target, SendError } from '../src/index.ts';
import { assertSigned, creds, isolateAwsEnvironment } from './s3-support.ts';
import { ctx, notification, testDeps } from './support/fixtures.ts';
import type { ReceivedRequest } from './support/receiver.ts';

isolateAwsEnvironment();

describe('s3 over HTTPS: certificate and skipTLS', () => {
  let dir: string;
  let server: Server;
  let url: string;
  const requests: ReceivedRequest[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'docket-s3-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, text: body.toString() });
        res.writeHead(200, { etag: '"x"' });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (extra: object) => {
    const t = s3Target.create(s3Target.configSchema.parse({ ...creds, endpoint: url, pathStyle: true, bucket: 'reports', ...extra }), testDeps());
    try {
      return await t.send([notification()], ctx()).then(() => undefined, (e: unknown) => e);
    } finally {
      await t.close?.();
    }
  };

  it('an untrusted certificate fails (retryable network error) without options', async () => {
    requests.length = 0;
    const err = await send({});
    assert.ok(err instanceof SendError, String(err));
    assert.deepEqual([err.retryable, err.status], [true, undefined]);
    assert.equal(requests.length, 0);
  });

  it('certificate: trusts the given CA', async () => {
    requests.length = 0;
    assert.equal(await send({ certificate: join(dir, 'cert.pem') }), undefined);
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.method, 'PUT');
    assert.equal(JSON.parse(requests[0]!.text).policy, 'require-labels');
    assertSigned(requests[0]!, 'AKIDEXAMPLE', 'us-east-1', ['content-type']);
  });

  it('skipTLS: accepts any certificate', async () => {
    requests.length = 0;
    assert.equal(await send({ skipTLS: true }), undefined);
    assert.equal(requests.length, 1);
  });
});

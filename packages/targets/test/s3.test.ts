import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { classifyS3Error, formatObject, objectKey, s3Target, SendError } from '../src/index.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, NOW, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver, type ReceivedRequest } from './support/receiver.ts';

// Keep the SDK's credential chain on this machine: no IMDS, no ~/.aws files, no ambient keys.
// Every test config below also sets `endpoint` to a local receiver, so nothing can reach AWS.
process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
process.env['AWS_CONFIG_FILE'] = '/nonexistent/docket-aws-config';
process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/docket-aws-credentials';
const AMBIENT = ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_STS'];
for (const k of AMBIENT) delete process.env[k];

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
const s3Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>R1</RequestId><HostId>H1</HostId></Error>`;

/** Asserts a SigV4 S3 signature for `keyId` in `region` that covers the given headers. */
function assertSigned(req: ReceivedRequest, keyId: string, region: string, signedHeaders: string[]): void {
  const auth = req.headers['authorization'] ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  assert.ok(m, `unexpected authorization header: ${auth}`);
  assert.deepEqual([m[1], m[3], m[4]], [keyId, region, 's3']);
  assert.equal(m[2], String(req.headers['x-amz-date']).slice(0, 8), 'credential scope date matches x-amz-date');
  const signed = m[5]!.split(';');
  for (const h of ['host', 'x-amz-content-sha256', 'x-amz-date', ...signedHeaders]) assert.ok(signed.includes(h), `${h} not signed (${m[5]})`);
  assert.equal(req.headers['x-amz-content-sha256'], sha256(req.body), 'payload hash is the body\'s SHA-256');
}

describe('s3 format', () => {
  it('object key is stable per result', () => {
    assert.equal(objectKey(notification(), 'policy-reporter/', NOW), 'policy-reporter/2026-11-18/require-labels-r-1.json');
    assert.equal(objectKey(notification({ resultId: 'a/b', resultOverrides: { timestamp: undefined, policy: 'x\\y' } }), 'p', NOW), 'p/2026-11-22/x_y-a_b.json');
  });
});

describe('s3 config', () => {
  it('requires a bucket', () => {
    assert.equal(s3Target.configSchema.safeParse({ ...creds }).success, false);
  });
  it('static keys: both or neither', () => {
    assert.equal(s3Target.configSchema.safeParse({ bucket: 'b' }).success, true, 'neither: the SDK credential chain');
    assert.equal(s3Target.configSchema.safeParse({ bucket: 'b', ...creds }).success, true);
    const onlyId = s3Target.configSchema.safeParse({ bucket: 'b', accessKeyId: 'AKID' });
    assert.equal(onlyId.success, false);
    assert.deepEqual(onlyId.error!.issues.map((i) => i.path), [['secretAccessKey']]);
    assert.match(onlyId.error!.issues[0]!.message, /secretAccessKey is required when accessKeyId is set/);
    const onlySecret = s3Target.configSchema.safeParse({ bucket: 'b', secretAccessKey: 's' });
    assert.deepEqual(onlySecret.error?.issues.map((i) => i.path), [['accessKeyId']]);
    const channel = s3Target.configSchema.safeParse({ bucket: 'b', channels: [{ bucket: 'c' }, { accessKeyId: 'AKID' }] });
    assert.deepEqual(channel.error?.issues.map((i) => i.path), [['channels', 1, 'secretAccessKey']]);
  });
});

describe('s3 send (AWS SDK against a local S3-compatible endpoint)', () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver({ status: 200, headers: { etag: '"x"' } }); });
  after(() => receiver.close());
  beforeEach(() => { receiver.requests.length = 0; receiver.respond({ status: 200, headers: { etag: '"x"' } }); });

  const target = (extra: object = {}) => s3Target.create(s3Target.configSchema.parse({
    ...creds, endpoint: receiver.url, pathStyle: true, bucket: 'reports', region: 'eu-central-1', ...extra,
  }), testDeps());

  it('PUTs the result JSON, signed, with SSE-KMS headers', async () => {
    const t = target({ serverSideEncryption: 'aws:kms', kmsKeyId: 'key-1', bucketKeyEnabled: true, customFields: { c: 'd' }, headers: { 'X-Team': 'sec' } });
    await t.send([notification()], ctx());
    await t.close?.();
    assert.equal(receiver.requests.length, 1, 'one attempt');
    const req = receiver.requests[0]!;
    assert.equal(req.method, 'PUT');
    assert.equal(new URL(req.path, 'http://x').pathname, '/reports/policy-reporter/2026-11-18/require-labels-r-1.json');
    assert.equal(req.text, formatObject(notification(), NOW, { c: 'd' }));
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['x-amz-server-side-encryption'], 'aws:kms');
    assert.equal(req.headers['x-amz-server-side-encryption-aws-kms-key-id'], 'key-1');
    assert.equal(req.headers['x-amz-server-side-encryption-bucket-key-enabled'], 'true');
    assert.equal(req.headers['x-team'], 'sec');
    assert.equal(req.headers['x-amz-security-token'], undefined);
    assert.equal(Object.keys(req.headers).some((h) => h.startsWith('x-amz-checksum-')), false, 'no flexible checksums (S3-compatible servers)');
    assertSigned(req, 'AKIDEXAMPLE', 'eu-central-1', ['content-type', 'x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id', 'x-team']);
  });

  it('AES256 with a session token; region defaults to us-east-1; keys with spaces are encoded', async () => {
    const t = s3Target.create(s3Target.configSchema.parse({
      ...creds, sessionToken: 'SESSION/TOKEN==', endpoint: receiver.url, pathStyle: true, bucket: 'reports', prefix: 'a b', serverSideEncryption: 'AES256',
    }), testDeps());
    await t.send([notification()], ctx());
    const req = receiver.requests[0]!;
    assert.equal(new URL(req.path, 'http://x').pathname, '/reports/a%20b/2026-11-18/require-labels-r-1.json');
    assert.equal(req.headers['x-amz-server-side-encryption'], 'AES256');
    assert.equal(req.headers['x-amz-server-side-encryption-aws-kms-key-id'], undefined);
    assert.equal(req.headers['x-amz-security-token'], 'SESSION/TOKEN==');
    assertSigned(req, 'AKIDEXAMPLE', 'us-east-1', ['x-amz-security-token', 'x-amz-server-side-encryption']);
  });

  for (const status of [500, 503]) {
    it(`${status} is retryable, and the SDK does not retry on its own`, async () => {
      receiver.respond({ status, headers: { 'content-type': 'application/xml', 'retry-after': '7' }, body: s3Error(status === 503 ? 'SlowDown' : 'InternalError', 'Please reduce your request rate.') });
      const err = await errorOf(target().send([notification()], ctx()));
      assert.ok(err instanceof SendError, String(err));
      assert.equal(err.retryable, true);
      assert.equal(err.status, status);
      assert.equal(err.retryAfterMs, status === 503 ? 7000 : undefined);
      assert.match(err.message, status === 503 ? /HTTP 503: SlowDown/ : /HTTP 500: InternalError/);
      assert.equal(receiver.requests.length, 1, 'maxAttempts 1: the dispatcher owns retries');
    });
  }

  it('403 AccessDenied and 404 NoSuchBucket are not retryable and name the S3 error code', async () => {
    receiver.respond({ status: 403, headers: { 'content-type': 'application/xml' }, body: s3Error('AccessDenied', 'Access Denied') });
    const denied = await errorOf(target().send([notification()], ctx()));
    assert.ok(denied instanceof SendError);
    assert.deepEqual([denied.retryable, denied.status], [false, 403]);
    assert.equal(denied.message, 'S3: HTTP 403: AccessDenied: Access Denied');
    receiver.respond({ status: 404, headers: { 'content-type': 'application/xml' }, body: s3Error('NoSuchBucket', 'The specified bucket does not exist') });
    const missing = await errorOf(target().send([notification()], ctx()));
    assert.ok(missing instanceof SendError);
    assert.deepEqual([missing.retryable, missing.status], [false, 404]);
    assert.match(missing.message, /NoSuchBucket/);
  });

  it('429 honours Retry-After; a body that is not S3 XML is quoted', async () => {
    receiver.respond({ status: 429, headers: { 'retry-after': '3' }, body: 'too many' });
    const err = await errorOf(target().send([notification()], ctx()));
    assert.ok(err instanceof SendError);
    assert.deepEqual([err.retryable, err.status, err.retryAfterMs], [true, 429, 3000]);
    assert.equal(err.message, 'S3: HTTP 429: too many');
  });

  it('400 RequestTimeout is retryable (S3 reports stalled uploads as a 400)', async () => {
    receiver.respond({ status: 400, headers: { 'content-type': 'application/xml' }, body: s3Error('RequestTimeout', 'Your socket connection to the server was not read from') });
    const err = await errorOf(target().send([notification()], ctx()));
    assert.ok(err instanceof SendError);
    assert.deepEqual([err.retryable, err.status], [true, 400]);
  });

  it('the SendContext signal aborts the request: retryable', async () => {
    // A server that accepts the request and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const t = s3Target.create(s3Target.configSchema.parse({ ...creds, endpoint: url, pathStyle: true, bucket: 'reports' }), testDeps());
      const err = await errorOf(t.send([notification()], { signal: AbortSignal.timeout(100) }));
      await t.close?.();
      assert.ok(err instanceof SendError, String(err));
      assert.equal(err.retryable, true);
      assert.match(err.message, /abort/i);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it('without static keys, credentials come from the SDK chain (environment)', async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIAFROMENV';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'env-secret';
    try {
      const t = s3Target.create(s3Target.configSchema.parse({ endpoint: receiver.url, pathStyle: true, bucket: 'reports', region: 'ap-south-1' }), testDeps());
      await t.send([notification()], ctx());
      assertSigned(receiver.requests[0]!, 'AKIAFROMENV', 'ap-south-1', []);
    } finally {
      delete process.env['AWS_ACCESS_KEY_ID'];
      delete process.env['AWS_SECRET_ACCESS_KEY'];
    }
  });

  it('IRSA: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE are exchanged at STS for temporary keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docket-irsa-'));
    writeFileSync(join(dir, 'token'), 'projected-sa-token');
    receiver.respond((req) => (req.method === 'POST'
      ? {
        status: 200, headers: { 'content-type': 'text/xml' },
        body: '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>'
          + '<Credentials><AccessKeyId>ASIAFROMSTS</AccessKeyId><SecretAccessKey>sts-secret</SecretAccessKey><SessionToken>sts-session</SessionToken>'
          + '<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>',
      }
      : { status: 200 }));
    Object.assign(process.env, { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/docket', AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'), AWS_ENDPOINT_URL_STS: receiver.url });
    try {
      const t = s3Target.create(s3Target.configSchema.parse({ endpoint: receiver.url, pathStyle: true, bucket: 'reports', region: 'eu-west-1' }), testDeps());
      await t.send([notification()], ctx());
      await t.close?.();
      const [sts, put] = receiver.requests;
      const form = new URLSearchParams(sts!.text);
      assert.equal(form.get('Action'), 'AssumeRoleWithWebIdentity');
      assert.equal(form.get('RoleArn'), 'arn:aws:iam::123456789012:role/docket');
      assert.equal(form.get('WebIdentityToken'), 'projected-sa-token');
      assert.equal(put!.method, 'PUT');
      assert.equal(put!.headers['x-amz-security-token'], 'sts-session');
      assertSigned(put!, 'ASIAFROMSTS', 'eu-west-1', ['x-amz-security-token']);
    } finally {
      for (const k of ['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ENDPOINT_URL_STS']) delete process.env[k];
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('classifyS3Error', () => {
  it('network errors are retryable, SendErrors pass through', () => {
    const refused = classifyS3Error('S3', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), NOW);
    assert.deepEqual([refused.retryable, refused.status], [true, undefined]);
    const same = new SendError('x', { retryable: false });
    assert.equal(classifyS3Error('S3', same, NOW), same);
  });
  it('throttling marked by the SDK is retryable whatever the status', () => {
    const e = Object.assign(new Error('slow'), { name: 'TooManyRequests', $retryable: { throttling: true }, $metadata: { httpStatusCode: 400 } });
    assert.equal(classifyS3Error('S3', e, NOW).retryable, true);
  });
});

runTargetContract(s3Target, { config: (url) => ({ ...creds, endpoint: url, pathStyle: true, bucket: 'b' }) });

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { classifyS3Error, formatObject, objectKey, s3Target, SendError } from '../src/index.ts';
import { assertSigned, creds, isolateAwsEnvironment, s3Error } from './s3-support.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, NOW, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

isolateAwsEnvironment();
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

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

// Without static keys the S3 target takes credentials from the AWS SDK's default chain. Each
// source is served by a local double speaking its real wire format (STS query API, the EKS Pod
// Identity agent's JSON), on the same receiver that plays S3.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { s3Target, SendError } from '../src/index.ts';
import { assertSigned, isolateAwsEnvironment } from './s3-support.ts';
import { ctx, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

isolateAwsEnvironment();

describe('s3 credentials from the AWS SDK chain', () => {
  let receiver: Receiver;
  let dir: string;
  const set: string[] = [];
  const env = (values: Record<string, string>) => { Object.assign(process.env, values); set.push(...Object.keys(values)); };
  before(async () => { receiver = await startReceiver({ status: 200 }); dir = mkdtempSync(join(tmpdir(), 'docket-s3-creds-')); });
  after(async () => { await receiver.close(); rmSync(dir, { recursive: true, force: true }); });
  beforeEach(() => { receiver.requests.length = 0; receiver.respond({ status: 200 }); });
  afterEach(() => { for (const k of set.splice(0)) delete process.env[k]; });

  const send = async (region: string) => {
    const t = s3Target.create(s3Target.configSchema.parse({ endpoint: receiver.url, pathStyle: true, bucket: 'reports', region }), testDeps());
    try {
      await t.send([notification()], ctx());
    } finally {
      await t.close?.();
    }
  };

  it('environment: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY', async () => {
    env({ AWS_ACCESS_KEY_ID: 'AKIAFROMENV', AWS_SECRET_ACCESS_KEY: 'env-secret' });
    await send('ap-south-1');
    assert.equal(receiver.requests.length, 1);
    assertSigned(receiver.requests[0]!, 'AKIAFROMENV', 'ap-south-1', []);
  });

  it('IRSA: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE are exchanged at STS for temporary keys', async () => {
    writeFileSync(join(dir, 'token'), 'projected-sa-token');
    receiver.respond((req) => (req.method === 'POST'
      ? {
        status: 200, headers: { 'content-type': 'text/xml' },
        body: '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>'
          + '<Credentials><AccessKeyId>ASIAFROMSTS</AccessKeyId><SecretAccessKey>sts-secret</SecretAccessKey><SessionToken>sts-session</SessionToken>'
          + '<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>',
      }
      : { status: 200 }));
    env({ AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/docket', AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'), AWS_ENDPOINT_URL_STS: receiver.url });
    const t = s3Target.create(s3Target.configSchema.parse({ endpoint: receiver.url, pathStyle: true, bucket: 'reports', region: 'eu-west-1' }), testDeps());
    await t.send([notification()], ctx());
    await t.send([notification({ resultId: 'r-2' })], ctx());
    await t.close?.();
    assert.deepEqual(receiver.requests.map((r) => r.method), ['POST', 'PUT', 'PUT'], 'temporary keys are cached by the target\'s client, not fetched per send');
    const [sts, put] = receiver.requests;
    const form = new URLSearchParams(sts!.text);
    assert.equal(form.get('Action'), 'AssumeRoleWithWebIdentity');
    assert.equal(form.get('RoleArn'), 'arn:aws:iam::123456789012:role/docket');
    assert.equal(form.get('WebIdentityToken'), 'projected-sa-token');
    assert.equal(put!.method, 'PUT');
    assert.equal(put!.headers['x-amz-security-token'], 'sts-session');
    assertSigned(put!, 'ASIAFROMSTS', 'eu-west-1', ['x-amz-security-token']);
  });

  it('EKS Pod Identity: the agent at AWS_CONTAINER_CREDENTIALS_FULL_URI, authorised by the token file', async () => {
    writeFileSync(join(dir, 'eks-token'), 'pod-identity-token');
    receiver.respond((req) => (req.method === 'GET'
      ? { status: 200, body: { AccessKeyId: 'ASIAPODIDENTITY', SecretAccessKey: 'pod-secret', Token: 'pod-session', Expiration: '2099-01-01T00:00:00Z', AccountId: '123456789012' } }
      : { status: 200 }));
    env({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${receiver.url}/v1/credentials`, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: join(dir, 'eks-token') });
    await send('us-west-2');
    const [agent, put] = receiver.requests;
    assert.deepEqual([agent!.method, agent!.path, agent!.headers['authorization']], ['GET', '/v1/credentials', 'pod-identity-token']);
    assert.equal(put!.headers['x-amz-security-token'], 'pod-session');
    assertSigned(put!, 'ASIAPODIDENTITY', 'us-west-2', ['x-amz-security-token']);
  });

  it('no credentials anywhere: a SendError that says so, nothing sent to S3', async () => {
    const t = s3Target.create(s3Target.configSchema.parse({ endpoint: receiver.url, pathStyle: true, bucket: 'reports' }), testDeps());
    const err = await t.send([notification()], ctx()).then(() => undefined, (e: unknown) => e);
    await t.close?.();
    assert.ok(err instanceof SendError, String(err));
    assert.match(err.message, /could not load AWS credentials/);
    assert.equal(err.retryable, true, 'a credential source may be briefly unavailable; the dispatcher bounds the retries');
    assert.equal(receiver.requests.length, 0);
  });
});

// Shared by the s3*.test.ts files: keeps the AWS SDK's credential chain on this machine, and checks
// SigV4 requests as they arrive at a local S3-compatible receiver.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ReceivedRequest } from './support/receiver.ts';

/**
 * No IMDS, no ~/.aws files, no ambient keys or endpoints from the machine running the tests. Every
 * test config also sets `endpoint` to a local server, so nothing can reach AWS. Call at the top of
 * a test file (each file runs in its own process).
 */
export function isolateAwsEnvironment(): void {
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  process.env['AWS_CONFIG_FILE'] = '/nonexistent/docket-aws-config';
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/docket-aws-credentials';
  for (const k of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN',
    'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_STS']) delete process.env[k];
}

export const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** An S3 XML error body as S3 sends it. */
export const s3Error = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>R1</RequestId><HostId>H1</HostId></Error>`;

/** Asserts a SigV4 S3 signature for `keyId` in `region` that covers the given headers and the body's hash. */
export function assertSigned(req: ReceivedRequest, keyId: string, region: string, signedHeaders: string[]): void {
  const auth = req.headers['authorization'] ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  assert.ok(m, `unexpected authorization header: ${auth}`);
  assert.deepEqual([m[1], m[3], m[4]], [keyId, region, 's3']);
  assert.equal(m[2], String(req.headers['x-amz-date']).slice(0, 8), 'credential scope date matches x-amz-date');
  const signed = m[5]!.split(';');
  for (const h of ['host', 'x-amz-content-sha256', 'x-amz-date', ...signedHeaders]) assert.ok(signed.includes(h), `${h} not signed (${m[5]})`);
  assert.equal(req.headers['x-amz-content-sha256'], sha256(req.body), 'payload hash is the body\'s SHA-256');
}

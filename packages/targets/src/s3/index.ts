import { z } from 'zod';
import { httpUrlSchema, secret, targetConfigSchema } from '../common-config.ts';
import { awsEncode } from './sigv4.ts';
import { defineTarget } from '../types.ts';
import { withTls } from '../tls-fetch.ts';
import { formatObject, objectKey } from './format.ts';
import { putObject } from './send.ts';

export const s3ConfigSchema = targetConfigSchema({
  accessKeyId: secret(z.string().min(1)),
  secretAccessKey: secret(z.string().min(1)),
  /** For temporary credentials. */
  sessionToken: secret(z.string().min(1)).optional(),
  /** Default `us-east-1` (the composition root may pass AWS_REGION). */
  region: z.string().min(1).optional(),
  /** S3-compatible endpoint (MinIO, Ceph, R2…); default `https://s3.<region>.amazonaws.com`. */
  endpoint: httpUrlSchema.optional(),
  bucket: z.string().min(1),
  /** Default `policy-reporter`. */
  prefix: z.string().optional(),
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key` (needed for most S3-compatible servers). */
  pathStyle: z.boolean().optional(),
  serverSideEncryption: z.enum(['AES256', 'aws:kms']).optional(),
  kmsKeyId: z.string().min(1).optional(),
  bucketKeyEnabled: z.boolean().optional(),
});
export type S3Config = z.infer<typeof s3ConfigSchema>;

/** Builds the object URL for `key` in path or virtual-hosted style. */
export function objectUrl(config: Pick<S3Config, 'endpoint' | 'region' | 'bucket' | 'pathStyle'>, key: string): string {
  const endpoint = new URL(config.endpoint ?? `https://s3.${config.region ?? 'us-east-1'}.amazonaws.com`);
  const path = `/${awsEncode(key, true)}`;
  if (config.pathStyle) return `${endpoint.origin}${endpoint.pathname.replace(/\/+$/, '')}/${awsEncode(config.bucket)}${path}`;
  return `${endpoint.protocol}//${config.bucket}.${endpoint.host}${endpoint.pathname.replace(/\/+$/, '')}${path}`;
}

/** S3-compatible object storage: one JSON object per result, signed with SigV4 (node:crypto). */
export const s3Target = defineTarget<S3Config>({
  type: 's3',
  displayName: 'S3',
  configSchema: s3ConfigSchema,
  create(config, rootDeps) {
    const deps = withTls(config, rootDeps);
    const name = config.name ?? 'S3';
    const creds = {
      accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, region: config.region ?? 'us-east-1',
      ...(config.sessionToken ? { sessionToken: config.sessionToken } : {}),
    };
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...(config.serverSideEncryption ? { 'x-amz-server-side-encryption': config.serverSideEncryption } : {}),
      ...(config.kmsKeyId ? { 'x-amz-server-side-encryption-aws-kms-key-id': config.kmsKeyId } : {}),
      ...(config.bucketKeyEnabled ? { 'x-amz-server-side-encryption-bucket-key-enabled': 'true' } : {}),
      ...(config.headers ?? {}),
    };
    return {
      type: 's3', name, maxBatch: 1,
      async send(batch, ctx) {
        for (const n of batch) {
          const url = objectUrl(config, objectKey(n, config.prefix ?? 'policy-reporter', deps.now()));
          await putObject(deps, name, creds, { url, body: formatObject(n, deps.now(), config.customFields), headers }, ctx);
        }
      },
    };
  },
});

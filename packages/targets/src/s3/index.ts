import { z } from 'zod';
import { httpUrlSchema, secret, targetConfigSchema } from '../common-config.ts';
import { SendError } from '../send-error.ts';
import { defineTarget } from '../types.ts';
import type { S3Putter } from './client.ts';
import { classifyS3Error } from './errors.ts';
import { formatObject, objectKey } from './format.ts';

/** Both static keys or neither (then the AWS SDK's credential chain supplies them). */
function checkKeyPair(value: { accessKeyId?: string | undefined; secretAccessKey?: string | undefined }, ctx: z.RefinementCtx, path: (string | number)[]): void {
  const hasId = value.accessKeyId !== undefined;
  const hasSecret = value.secretAccessKey !== undefined;
  if (hasId === hasSecret) return;
  const missing = hasId ? 'secretAccessKey' : 'accessKeyId';
  ctx.addIssue({
    code: 'custom', path: [...path, missing],
    message: `${missing} is required when ${hasId ? 'accessKeyId' : 'secretAccessKey'} is set (give both, or neither to use the AWS credential chain: environment, IRSA, EKS Pod Identity)`,
  });
}

export const s3ConfigSchema = targetConfigSchema({
  /** Static key; leave out (with secretAccessKey) to use the AWS SDK credential chain. */
  accessKeyId: secret(z.string().min(1)).optional(),
  secretAccessKey: secret(z.string().min(1)).optional(),
  /** For temporary credentials. */
  sessionToken: secret(z.string().min(1)).optional(),
  /** Default `us-east-1` (the composition root may pass AWS_REGION). */
  region: z.string().min(1).optional(),
  /** S3-compatible endpoint (MinIO, Ceph, R2…); default AWS for the region. */
  endpoint: httpUrlSchema.optional(),
  bucket: z.string().min(1),
  /** Default `policy-reporter`. */
  prefix: z.string().optional(),
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key` (needed for most S3-compatible servers). */
  pathStyle: z.boolean().optional(),
  serverSideEncryption: z.enum(['AES256', 'aws:kms']).optional(),
  kmsKeyId: z.string().min(1).optional(),
  bucketKeyEnabled: z.boolean().optional(),
}).superRefine((value, ctx) => {
  checkKeyPair(value, ctx, []);
  value.channels?.forEach((channel, i) => checkKeyPair(channel, ctx, ['channels', i]));
});
export type S3Config = z.infer<typeof s3ConfigSchema>;

/**
 * S3-compatible object storage: one JSON object per result, written with the AWS SDK v3
 * (PutObjectCommand). The SDK is imported on the first send, not at start-up.
 */
export const s3Target = defineTarget<S3Config>({
  type: 's3',
  displayName: 'S3',
  configSchema: s3ConfigSchema,
  ownTls: true,
  create(config, { name, deps }) {
    let putter: Promise<S3Putter> | undefined;
    const load = (): Promise<S3Putter> => {
      putter ??= import('./client.ts').then((m) => m.createS3Putter(config)).catch((err: unknown) => {
        putter = undefined;
        throw new SendError(`${name}: cannot create the S3 client: ${(err as Error).message}`, { retryable: false, cause: err });
      });
      return putter;
    };
    return {
      maxBatch: 1,
      async send(batch, ctx) {
        const client = await load();
        for (const n of batch) {
          const key = objectKey(n, config.prefix ?? 'policy-reporter', deps.now());
          try {
            await client.put(key, formatObject(n, deps.now(), config.customFields), ctx.signal);
          } catch (err) {
            throw classifyS3Error(name, err, deps.now());
          }
        }
      },
      async close() {
        const p = putter;
        putter = undefined;
        if (p) (await p.catch(() => undefined))?.destroy();
      },
    };
  },
});

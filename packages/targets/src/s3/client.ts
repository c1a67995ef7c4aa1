// The only module that loads the AWS SDK. index.ts imports it on the first send, so a Docket
// without an S3 target never pays for the SDK at start-up.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { S3Config } from './index.ts';

/** One PutObject; rejects with whatever the SDK threw (classified by the caller). */
export interface S3Putter {
  put(key: string, body: string, signal: AbortSignal): Promise<void>;
  /** Closes the client's sockets. */
  destroy(): void;
}

/**
 * Client options for a target config. Credentials: the static keys when the config has them;
 * otherwise the SDK's default chain (environment, shared config, IRSA web identity via
 * AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, EKS Pod Identity / ECS container credentials, IMDS).
 */
export function clientConfig(config: S3Config): S3ClientConfig {
  const tls = config.certificate !== undefined || config.skipTLS === true;
  return {
    region: config.region ?? 'us-east-1',
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.pathStyle ?? false,
    ...(config.accessKeyId && config.secretAccessKey ? {
      credentials: {
        accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey,
        ...(config.sessionToken ? { sessionToken: config.sessionToken } : {}),
      },
    } : {}),
    // The dispatcher owns retries (backoff, dead letters); an SDK retry would hide attempts from it.
    maxAttempts: 1,
    // Newer SDKs add CRC32 checksums to every PutObject; several S3-compatible servers reject the
    // extra headers. The signed x-amz-content-sha256 already protects the body.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(tls ? {
      requestHandler: new NodeHttpHandler({
        httpsAgent: new Agent({
          keepAlive: true,
          ...(config.certificate ? { ca: readFileSync(config.certificate) } : {}),
          rejectUnauthorized: config.skipTLS !== true,
        }),
      }),
    } : {}),
  };
}

/** Builds the SDK client for a target; reads the CA file once, here. */
export function createS3Putter(config: S3Config): S3Putter {
  const client = new S3Client(clientConfig(config));
  const extra = config.headers ?? {};
  if (Object.keys(extra).length > 0) {
    // User headers are added before signing (build step), so they are signed like the rest.
    client.middlewareStack.add((next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) for (const [k, v] of Object.entries(extra)) request.headers[k.toLowerCase()] = v;
      return next(args);
    }, { step: 'build', name: 'docketExtraHeaders' });
  }
  return {
    async put(key, body, signal) {
      await client.send(new PutObjectCommand({
        Bucket: config.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/json',
        ...(config.serverSideEncryption ? { ServerSideEncryption: config.serverSideEncryption } : {}),
        ...(config.kmsKeyId ? { SSEKMSKeyId: config.kmsKeyId } : {}),
        ...(config.bucketKeyEnabled ? { BucketKeyEnabled: true } : {}),
      }), { abortSignal: signal });
    },
    destroy: () => client.destroy(),
  };
}

import { request } from '../http.ts';
import type { SendContext, TargetDeps } from '../types.ts';
import { sha256Hex, signV4, type SigV4Credentials } from './sigv4.ts';

export interface PutObjectInput {
  /** Full object URL (path-style or virtual-hosted). */
  url: string;
  body: string;
  /** Extra headers to sign and send (content type, server-side encryption). */
  headers: Record<string, string>;
}

/** Signs and sends a PutObject (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html). */
export async function putObject(deps: TargetDeps, name: string, creds: SigV4Credentials, input: PutObjectInput, ctx: SendContext): Promise<void> {
  const url = new URL(input.url);
  const signed = signV4(
    { method: 'PUT', host: url.host, path: decodeURIComponent(url.pathname), headers: input.headers, payloadHash: sha256Hex(input.body) },
    creds, deps.now(),
  );
  await request(deps, name, { method: 'PUT', url: input.url, body: input.body, headers: { ...input.headers, ...signed } }, ctx);
}

import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 for S3, on node:crypto (no SDK: one PUT does not justify ~3 MB of
 * client). Spec: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 * Pure: the caller passes the time, so signatures are reproducible in tests.
 */
export interface SigV4Request {
  method: string;
  /** `host[:port]` exactly as sent in the Host header. */
  host: string;
  /** Decoded object path, e.g. `/bucket/a b/c.json`; encoded here per S3 rules. */
  path: string;
  query?: Record<string, string>;
  /** Headers to sign besides host / x-amz-date / x-amz-content-sha256 (names any case). */
  headers?: Record<string, string>;
  /** Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`. */
  payloadHash: string;
}

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  service?: string;
}

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as AWS wants it: everything but `A-Za-z0-9-_.~` (and `/` in paths). */
export function awsEncode(text: string, keepSlash = false): string {
  return [...Buffer.from(text, 'utf8')].map((b) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) return c;
    return `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** `20261122T120000Z` */
export function toAmzDate(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Returns the headers to add to the request: `authorization`, `x-amz-date`,
 * `x-amz-content-sha256` and, with temporary credentials, `x-amz-security-token`.
 */
export function signV4(req: SigV4Request, creds: SigV4Credentials, nowMs: number): Record<string, string> {
  const amzDate = toAmzDate(nowMs);
  const day = amzDate.slice(0, 8);
  const service = creds.service ?? 's3';
  const added: Record<string, string> = { 'x-amz-date': amzDate, 'x-amz-content-sha256': req.payloadHash };
  if (creds.sessionToken) added['x-amz-security-token'] = creds.sessionToken;
  const all: Record<string, string> = { host: req.host, ...added };
  for (const [k, v] of Object.entries(req.headers ?? {})) all[k.toLowerCase()] = v;
  const names = Object.keys(all).sort();
  const canonicalHeaders = names.map((n) => `${n}:${all[n]!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const query = Object.entries(req.query ?? {})
    .map(([k, v]) => [awsEncode(k), awsEncode(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
  const canonicalRequest = [req.method, awsEncode(req.path, true), query, canonicalHeaders, signedHeaders, req.payloadHash].join('\n');
  const scope = `${day}/${creds.region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), creds.region), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return {
    ...added,
    authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FetchLike, TargetDeps } from './types.ts';

export interface TlsOptions {
  /** PEM CA bundle trusted for the server certificate (Policy Reporter's `certificate`). */
  ca?: string | Buffer;
  /** false skips server verification (`skipTLS: true`). */
  rejectUnauthorized?: boolean;
}

/**
 * A `fetch` on node:http(s) that honours a custom CA and `skipTLS`, which Node 20's global fetch
 * cannot without the undici package. Only what targets use: method, headers, string/bytes body,
 * abort signal; the answer is a standard `Response`.
 */
export function createTlsFetch(tls: TlsOptions): FetchLike {
  return (url, init) => new Promise<Response>((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = new Headers(init.headers);
    const body = init.body == null ? undefined : typeof init.body === 'string' ? Buffer.from(init.body) : Buffer.from(init.body as Uint8Array);
    if (body) headers.set('content-length', String(body.length));
    const req = send(target, {
      method: init.method ?? 'GET',
      headers: Object.fromEntries(headers.entries()),
      ...(init.signal ? { signal: init.signal } : {}),
      ...(target.protocol === 'https:' ? { ...(tls.ca ? { ca: tls.ca } : {}), rejectUnauthorized: tls.rejectUnauthorized ?? true } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 502;
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(', ') : v);
        // A Response with a null-body status must not get a body.
        const nullBody = status === 204 || status === 304 || status < 200;
        resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status: Math.max(200, status), headers: out }));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The fetch a target should use: `deps.fetch` unless the config asks for a custom CA or skipTLS.
 * Reads the CA file once, when the target is created.
 */
export function fetchFor(config: { certificate?: string | undefined; skipTLS?: boolean | undefined }, deps: TargetDeps): FetchLike {
  if (!config.certificate && !config.skipTLS) return deps.fetch;
  return createTlsFetch({
    ...(config.certificate ? { ca: readFileSync(config.certificate) } : {}),
    rejectUnauthorized: !config.skipTLS,
  });
}

/** `deps` with `fetch` replaced per the config's TLS options. */
export function withTls(config: { certificate?: string | undefined; skipTLS?: boolean | undefined }, deps: TargetDeps): TargetDeps {
  const fetch = fetchFor(config, deps);
  return fetch === deps.fetch ? deps : { ...deps, fetch };
}

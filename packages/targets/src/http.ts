import { fromFetchError, toSendError } from './send-error.ts';
import type { SendContext, TargetDeps } from './types.ts';

/** Sent on every request so receivers can tell Docket's traffic apart. */
export const USER_AGENT = 'Docket';

export interface HttpRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** Serialised body; objects are sent as JSON. */
  body?: string | Uint8Array | object;
  contentType?: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Performs one request through `deps.fetch` and resolves with the response when it is 2xx;
 * anything else becomes a classified `SendError`. Reading the body also frees the socket.
 */
export async function request(deps: TargetDeps, target: string, req: HttpRequest, ctx: SendContext): Promise<HttpResponse> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT };
  let body: string | Uint8Array | undefined;
  if (req.body instanceof Uint8Array || typeof req.body === 'string') {
    body = req.body;
    if (req.contentType) headers['content-type'] = req.contentType;
  } else if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['content-type'] = req.contentType ?? 'application/json';
  }
  // User headers last: they may override content type or user agent on purpose.
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  let res: Response;
  let text: string;
  try {
    res = await deps.fetch(req.url, { method: req.method ?? 'POST', headers, body: body as BodyInit | undefined, signal: ctx.signal });
    text = await res.text();
  } catch (err) {
    throw fromFetchError(target, err);
  }
  if (res.status < 200 || res.status > 299) {
    throw toSendError(target, res.status, text, res.headers.get('retry-after'), deps.now());
  }
  return { status: res.status, headers: res.headers, text };
}

/** Joins a base URL and a path without doubling or dropping the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** `Authorization: Basic …` value. */
export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

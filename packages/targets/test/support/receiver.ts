// A real HTTP receiver on 127.0.0.1:0 that records every request and answers as scripted, so
// targets are tested over real sockets with their real payloads.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** Path plus query string. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | object;
}

export type Responder = (req: ReceivedRequest) => ScriptedResponse;

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Replaces how the receiver answers (default: 200 `{}`). */
  respond(responder: Responder | ScriptedResponse): void;
  json(index?: number): unknown;
  close(): Promise<void>;
}

export async function startReceiver(responder: Responder | ScriptedResponse = { status: 200, body: {} }): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let answer: Responder = typeof responder === 'function' ? responder : () => responder;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, text: body.toString('utf8') };
      requests.push(received);
      const out = answer(received);
      const payload = out.body === undefined ? '' : typeof out.body === 'string' ? out.body : JSON.stringify(out.body);
      res.writeHead(out.status, { ...(typeof out.body === 'object' ? { 'content-type': 'application/json' } : {}), ...(out.headers ?? {}) });
      res.end(out.status === 204 ? undefined : payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond(r) { answer = typeof r === 'function' ? r : () => r; },
    json(index = requests.length - 1) {
      const r = requests[index];
      if (!r) throw new Error(`no request #${index} (got ${requests.length})`);
      return JSON.parse(r.text) as unknown;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A URL on which nothing listens (a port that was just freed). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

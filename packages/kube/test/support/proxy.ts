/**
 * A tiny node:http reverse proxy for tests: sits in front of a real API server, records every
 * request, can cut open (watch) responses, hold the upstream away (answer 503), and inject
 * faults (a Status answer instead of forwarding) chosen per request by a test function.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  url: string;
  status?: number;
  /** True when the proxy answered itself (fault or blocked). */
  injected?: boolean;
  /** True when the request reached the upstream server (even if its answer was then replaced). */
  forwarded?: boolean;
}

export interface Fault {
  code: number;
  reason: string;
  message?: string;
  /** Forward the request first and answer the fault instead of the upstream's answer (a lost response). */
  afterForward?: boolean;
}

export interface TestProxy {
  url: string;
  requests: ProxiedRequest[];
  /** Decides per request whether to answer a fault instead of forwarding. */
  fault?: (req: { method: string; url: string; index: number }) => Fault | undefined;
  /** While true every request is answered 503 without reaching the upstream. */
  blocked: boolean;
  /** Responses whose headers went out and that are still streaming (open watches). */
  openStreams(): number;
  /** Destroys every response still streaming (open watches). */
  cutStreams(): number;
  /** Stops relaying bytes of every open stream while keeping its sockets open (a half-open connection). */
  freezeStreams(): number;
  close(): Promise<void>;
}

function sendStatus(res: ServerResponse, f: Fault): void {
  const body = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: f.message ?? f.reason, reason: f.reason, code: f.code };
  res.writeHead(f.code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

export async function startProxy(upstream: string): Promise<TestProxy> {
  const target = new URL(upstream);
  const open = new Set<ServerResponse>();
  const upstreams = new Map<ServerResponse, IncomingMessage>();
  let index = 0;
  const proxy: TestProxy = {
    url: '',
    requests: [],
    blocked: false,
    openStreams: () => open.size,
    cutStreams: () => {
      const n = open.size;
      for (const res of open) res.socket?.destroy();
      open.clear();
      return n;
    },
    freezeStreams: () => {
      for (const [res, upRes] of upstreams) {
        upRes.unpipe(res);
        upRes.pause();
      }
      return upstreams.size;
    },
    close: () => new Promise<void>((resolve) => {
      proxy.cutStreams();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const entry: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/' };
    proxy.requests.push(entry);
    const fault = proxy.blocked
      ? { code: 503, reason: 'ServiceUnavailable', message: 'proxy blocked' }
      : proxy.fault?.({ method: entry.method, url: entry.url, index: index++ });
    if (fault && !fault.afterForward) {
      entry.status = fault.code;
      entry.injected = true;
      req.resume();
      sendStatus(res, fault);
      return;
    }
    entry.forwarded = true;
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (upRes) => {
        if (fault) {
          upRes.resume();
          entry.status = fault.code;
          entry.injected = true;
          upRes.on('end', () => sendStatus(res, fault));
          return;
        }
        entry.status = upRes.statusCode;
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        res.flushHeaders(); // relay headers at once, as the upstream did (a quiet watch must still start)
        open.add(res);
        upstreams.set(res, upRes);
        upRes.pipe(res);
        upRes.on('end', () => {
          open.delete(res);
          upstreams.delete(res);
        });
        res.on('close', () => {
          open.delete(res);
          upstreams.delete(res);
          upRes.destroy();
        });
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

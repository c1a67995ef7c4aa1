/**
 * Test support for reporter end-to-end tests: a local webhook receiver (real HTTP) that records
 * every notification body, and report writes through Docket's API.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver {
  url: string;
  /** Bodies received, per path. */
  bodies: Map<string, Array<Record<string, unknown>>>;
  /** Policy names received on `path`, sorted. */
  policies(path: string): string[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const bodies = new Map<string, Array<Record<string, unknown>>>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      if (body['event'] !== 'heartbeat') {
        const list = bodies.get(req.url ?? '') ?? [];
        list.push(body);
        bodies.set(req.url ?? '', list);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    policies: (path) => (bodies.get(path) ?? []).map((b) => String(b['policy'])).sort(),
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Creates a wgpolicyk8s.io/v1alpha2 PolicyReport through the API. */
export async function createReport(server: string, namespace: string, name: string, policies: string[]): Promise<void> {
  const body = {
    apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name, namespace },
    results: policies.map((policy) => ({ policy, result: 'fail', source: 'e2e', severity: 'high' })),
  };
  const res = await fetch(`${server}/apis/wgpolicyk8s.io/v1alpha2/namespaces/${namespace}/policyreports`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create ${namespace}/${name}: HTTP ${res.status} ${await res.text()}`);
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Whether the replica at `url` currently leads (its /metrics gauge). */
export async function isLeader(url: string): Promise<boolean> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return /^docket_reporter_leader 1$/m.test(text);
}

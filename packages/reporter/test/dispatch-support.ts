/**
 * Test support for the dispatcher: a real HTTP receiver on a loopback socket whose answers a test
 * scripts (status, Retry-After, delay, or down = connection refused), notifications, a batch target
 * speaking plain JSON over real HTTP, and bounded waits.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReportResult } from '@docket/model';
import { request, webhookConfigSchema, webhookTarget, type Notification, type Target, type TargetDeps } from '@docket/targets';

/** What the receiver answers to one request. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface Hit {
  /** Result ids the request carried. */
  ids: string[];
  status: number;
  /** Request path and query (tells senders apart). */
  path: string;
  at: number;
  /** When the answer was written (undefined while pending). */
  answeredAt?: number;
}

export interface Receiver {
  url: string;
  /** Every request, in arrival order. */
  hits: Hit[];
  /** Result ids of requests answered 2xx, in order. */
  accepted(): string[];
  /** Replaces the answering rule. */
  answer(rule: (ids: string[], hit: number) => Answer): void;
  /** Closes the listening socket and every connection: clients get ECONNREFUSED. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

function idsOf(body: string): string[] {
  const doc = JSON.parse(body) as { resultId?: string; ids?: string[] };
  return doc.ids ?? (doc.resultId ? [doc.resultId] : []);
}

export async function startReceiver(): Promise<Receiver> {
  const hits: Hit[] = [];
  let rule: (ids: string[], hit: number) => Answer = () => ({ status: 200 });
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const ids = idsOf(Buffer.concat(chunks).toString('utf8'));
      const a = rule(ids, hits.length);
      const hit: Hit = { ids, status: a.status, path: req.url ?? '', at: Date.now() };
      hits.push(hit);
      const reply = (): void => {
        hit.answeredAt = Date.now();
        res.writeHead(a.status, { 'content-type': 'text/plain', ...(a.headers ?? {}) }).end(a.body ?? '');
      };
      if (a.delayMs) setTimeout(reply, a.delayMs); else reply();
    });
  };
  let server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits,
    accepted: () => hits.filter((h) => h.status >= 200 && h.status < 300).flatMap((h) => h.ids),
    answer(r) { rule = r; },
    async down() {
      await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
    },
    async up() {
      server = createServer(handler);
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export const targetDeps: TargetDeps = {
  fetch: (url, init) => fetch(url, init),
  now: Date.now,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
};

/** The real webhook target (one POST per result). */
export function webhook(url: string, name = 'hook'): Target {
  return webhookTarget.create(webhookConfigSchema.parse({ name, webhook: url }), targetDeps);
}

/** A batch target: one POST of `{"ids": [...]}` per batch, errors classified by @docket/targets. */
export function batchTarget(url: string, maxBatch: number, name = 'batch'): Target {
  return {
    type: 'test-batch', name, maxBatch,
    async send(batch, ctx) {
      await request(targetDeps, name, { url, body: { ids: batch.map((n) => n.resultId) } }, ctx);
    },
  };
}

export function notification(i: number, prefix = 'r'): Notification {
  const result: ReportResult = { policy: 'require-labels', rule: `rule-${i}`, result: 'fail', message: `result ${i}`, source: 'kyverno' } as ReportResult;
  return { resultId: `${prefix}${String(i).padStart(4, '0')}`, result, report: { name: 'polr-1', namespace: 'default', kind: 'PolicyReport' } };
}

export function deliveries(target: string, n: number, prefix = 'r') {
  return Array.from({ length: n }, (_, i) => {
    const payload = notification(i, prefix);
    return { target, key: payload.resultId, payload };
  });
}

/** Polls `cond` every 20 ms; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Keys seen more than once. */
export function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const id of ids) (seen.has(id) ? dup : seen).add(id);
  return [...dup];
}

/**
 * Test double for the one part of kube-apiserver Docket cannot serve itself: coordination.k8s.io/v1
 * Leases. It speaks the real wire protocol the elector uses — GET/POST/PUT on
 * /apis/coordination.k8s.io/v1/namespaces/{ns}/leases[/{name}], resourceVersion preconditions
 * (stale → 409 Conflict Status), 409 AlreadyExists on a second create, 404 NotFound, 422 when an
 * update carries no resourceVersion, 400 for a MicroTime that is not RFC 3339 with 6 fraction digits
 * (what kube's metav1.MicroTime requires). `failWrites` lets a test cut one identity off.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface LeaseObject {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string; creationTimestamp: string };
  spec: Record<string, unknown>;
}

export interface LeaseServer {
  url: string;
  leases: Map<string, LeaseObject>;
  /** Every request as `METHOD path`. */
  log: string[];
  /** Writes whose spec.holderIdentity this returns true for are answered 500 (a partitioned replica). */
  failWrites?: (holderIdentity: string | undefined) => boolean;
  close(): Promise<void>;
}

const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const PATH = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/?]+))?(?:\?.*)?$/;

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code,
    details: { group: 'coordination.k8s.io', kind: 'leases' },
  }));
}

async function body(req: IncomingMessage): Promise<LeaseObject> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as LeaseObject;
}

export async function startLeaseServer(): Promise<LeaseServer> {
  let rv = 100;
  const ls: LeaseServer = {
    url: '',
    leases: new Map(),
    log: [],
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server = createServer((req, res) => {
    void (async () => {
      ls.log.push(`${req.method} ${req.url}`);
      const m = PATH.exec(req.url ?? '');
      if (!m) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
      const namespace = decodeURIComponent(m[1]!);
      const name = m[2] ? decodeURIComponent(m[2]) : undefined;
      const key = `${namespace}/${name}`;
      if (req.method === 'GET' && name) {
        const lease = ls.leases.get(key);
        if (!lease) return status(res, 404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
        return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(lease));
      }
      if (req.method !== 'POST' && req.method !== 'PUT') return status(res, 405, 'MethodNotAllowed', 'method not allowed');
      const obj = await body(req);
      const spec = obj.spec ?? {};
      if (ls.failWrites?.(spec.holderIdentity as string | undefined)) return status(res, 500, 'InternalError', 'injected failure');
      for (const f of ['acquireTime', 'renewTime'] as const) {
        if (spec[f] !== undefined && !(typeof spec[f] === 'string' && MICRO_TIME.test(spec[f]))) {
          return status(res, 400, 'BadRequest', `spec.${f}: ${JSON.stringify(spec[f])} is not a MicroTime (RFC 3339 with 6 fraction digits)`);
        }
      }
      if (req.method === 'POST') {
        const n = obj.metadata?.name;
        if (!n) return status(res, 422, 'Invalid', 'metadata.name: Required value');
        if (ls.leases.has(`${namespace}/${n}`)) return status(res, 409, 'AlreadyExists', `leases.coordination.k8s.io "${n}" already exists`);
        const created: LeaseObject = {
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', spec,
          metadata: { name: n, namespace, uid: randomUUID(), resourceVersion: String(++rv), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
        };
        ls.leases.set(`${namespace}/${n}`, created);
        return res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify(created));
      }
      const current = ls.leases.get(key);
      if (!current) return status(res, 404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
      if (!obj.metadata?.resourceVersion) return status(res, 422, 'Invalid', 'metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
      if (obj.metadata.resourceVersion !== current.metadata.resourceVersion) {
        return status(res, 409, 'Conflict', `Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`);
      }
      const updated: LeaseObject = { ...current, spec, metadata: { ...current.metadata, resourceVersion: String(++rv) } };
      ls.leases.set(key, updated);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(updated));
    })().catch((e: unknown) => status(res, 400, 'BadRequest', String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ls.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return ls;
}

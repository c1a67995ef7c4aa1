/**
 * Test double for kube-apiserver's Event endpoints, trivy-operator's VulnerabilityReport /
 * ConfigAuditReport collections and single Pod/Node reads (no kube-apiserver runs here). It speaks the
 * real wire protocol client-node uses: list `GET /api/v1[/namespaces/{ns}]/events` and
 * `/apis/events.k8s.io/v1[/namespaces/{ns}]/events` (EventList with metadata.resourceVersion,
 * `limit`/`continue` paging), watch with `?watch=true&resourceVersion=N` as a chunked stream of
 * newline-delimited `{"type","object"}` lines, `fieldSelector` on `reason`/`type`, and an ERROR
 * event carrying a 410 Status for a resourceVersion older than the retained history.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Obj = Record<string, any>;

export interface EventsServer {
  url: string;
  /** Adds or updates an event (by namespace/name); returns its new resourceVersion. */
  put(event: Obj): string;
  /** Forgets history: the next watch request is answered with a 410 Expired ERROR event (as after etcd compaction). */
  compact(): void;
  /** Ends every open watch (as a kube-apiserver restart or a watch timeout does). */
  closeWatches(): void;
  /** Requests as `METHOD path?query`. */
  log: string[];
  close(): Promise<void>;
}

const PATH = /^\/(api\/v1|apis\/events\.k8s\.io\/v1|apis\/aquasecurity\.github\.io\/v1alpha1)(?:\/namespaces\/([^/]+))?\/([a-z]+)$/;
/** Collections served (plural → kind); trivy-operator reports share the double with Events. */
const KINDS: Record<string, string> = { events: 'Event', vulnerabilityreports: 'VulnerabilityReport', configauditreports: 'ConfigAuditReport' };

function matches(obj: Obj, selector: string | null, namespace: string | undefined, kind: string): boolean {
  if (obj.kind !== kind) return false;
  if (namespace && obj.metadata?.namespace !== namespace) return false;
  for (const term of (selector ?? '').split(',').filter(Boolean)) {
    const [field, value] = term.split('=');
    if (field === 'reason' && obj.reason !== value) return false;
    if (field === 'type' && obj.type !== value) return false;
  }
  return true;
}

export async function startEventsServer(): Promise<EventsServer> {
  let rv = 100;
  let expireNext = false;
  const objects = new Map<string, Obj>();
  const history: { rv: number; type: string; object: Obj }[] = [];
  const watchers = new Set<{ res: ServerResponse; selector: string | null; namespace?: string; kind: string }>();
  const log: string[] = [];

  const send = (res: ServerResponse, type: string, object: Obj) => res.write(`${JSON.stringify({ type, object })}\n`);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    log.push(`${req.method} ${url.pathname}${url.search}`);
    // Single Pods and Nodes (GET only), for the publisher's owner lookups.
    const one = /^\/api\/v1\/(?:namespaces\/([^/]+)\/pods|nodes)\/([^/]+)$/.exec(url.pathname);
    if (one) {
      const found = objects.get(`${one[1] ? 'Pod' : 'Node'}/${one[1] ? decodeURIComponent(one[1]) : ''}/${decodeURIComponent(one[2]!)}`);
      if (found) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
      else res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
      return;
    }
    const m = PATH.exec(url.pathname);
    const kind = m ? KINDS[m[3]!] : undefined;
    // Events only under the Event APIs, trivy-operator reports only under their group.
    if (!m || !kind || (kind === 'Event') === m[1]!.includes('aquasecurity') || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
      return;
    }
    const namespace = m[2] ? decodeURIComponent(m[2]) : undefined;
    const selector = url.searchParams.get('fieldSelector');
    const core = url.pathname.startsWith('/api/');
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      const from = Number(url.searchParams.get('resourceVersion') ?? rv);
      if (expireNext) {
        expireNext = false;
        send(res, 'ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${from} (${rv})`, reason: 'Expired', code: 410 });
        res.end();
        return;
      }
      for (const h of history) if (h.rv > from && matches(h.object, selector, namespace, kind)) send(res, h.type, h.object);
      const w = { res, selector, namespace, kind };
      watchers.add(w);
      res.on('close', () => watchers.delete(w));
      return;
    }
    const all = [...objects.values()].filter((o) => matches(o, selector, namespace, kind));
    const limit = Number(url.searchParams.get('limit') ?? 0) || all.length;
    const start = Number(url.searchParams.get('continue') ?? 0);
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : undefined;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      kind: `${kind}List`, apiVersion: core ? 'v1' : m[1]!.slice('apis/'.length),
      metadata: { resourceVersion: String(rv), ...(next ? { continue: next } : {}) }, items: page,
    }));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    log,
    put(event) {
      const key = `${event.kind}/${event.metadata.namespace ?? ''}/${event.metadata.name}`;
      const type = objects.has(key) ? 'MODIFIED' : 'ADDED';
      const object = { ...event, metadata: { ...event.metadata, resourceVersion: String(++rv) } };
      objects.set(key, object);
      history.push({ rv, type, object });
      for (const w of watchers) if (matches(object, w.selector, w.namespace, w.kind)) send(w.res, type, object);
      return String(rv);
    },
    compact() {
      expireNext = true;
      history.length = 0;
    },
    closeWatches() {
      for (const w of watchers) w.res.end();
      watchers.clear();
    },
    close: () => new Promise<void>((resolve) => {
      for (const w of watchers) w.res.end();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

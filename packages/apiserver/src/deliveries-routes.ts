/**
 * Delivery state of the reporter's outbox, read-only, as small JSON documents:
 *
 *   GET /docket/v1/deliveries?target=&state=&limit=&continue=   one keyset page, oldest first
 *   GET /docket/v1/deliveries/summary                           counts per target and state
 *
 * Registered by buildApiServer only when it is given the outbox. Failures are Kubernetes Status
 * bodies through the server's error handler (bad parameters are 400 BadRequest).
 */
import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '@docket/model';
import { DELIVERY_STATES, type Delivery, type DeliveryState, type DeliveryStore } from '@docket/store';
import { sendDocument } from './respond.ts';

export const DELIVERIES_API_VERSION = 'docket/v1';

/** Optional dependency of buildApiServer: the outbox to expose. */
export interface DeliveriesDeps {
  deliveries?: DeliveryStore;
}

/** One delivery as the API shows it (times as RFC 3339). */
export interface DeliveryView {
  id: string;
  target: string;
  key: string;
  state: DeliveryState;
  attempts: number;
  lastError?: string;
  createdAt: string;
  nextAttemptAt: string;
  owner?: string;
  leaseUntil?: string;
  doneAt?: string;
  payload: unknown;
}

export interface DeliveryListDocument {
  kind: 'DeliveryList';
  apiVersion: typeof DELIVERIES_API_VERSION;
  metadata: { continue?: string };
  items: DeliveryView[];
}

export interface DeliverySummaryDocument {
  kind: 'DeliverySummary';
  apiVersion: typeof DELIVERIES_API_VERSION;
  targets: Array<{ target: string } & Record<DeliveryState, number>>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function toDeliveryView(d: Delivery): DeliveryView {
  const v: DeliveryView = { id: d.id, target: d.target, key: d.key, state: d.state, attempts: d.attempts, createdAt: iso(d.createdAt), nextAttemptAt: iso(d.nextAttemptAt), payload: d.payload };
  if (d.lastError !== undefined) v.lastError = d.lastError;
  if (d.owner !== undefined) v.owner = d.owner;
  if (d.leaseUntil !== undefined) v.leaseUntil = iso(d.leaseUntil);
  if (d.doneAt !== undefined) v.doneAt = iso(d.doneAt);
  return v;
}

function one(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadRequestError(`query parameter "${name}" may be given once`);
  return v;
}

export function registerDeliveryRoutes(app: FastifyInstance, store: DeliveryStore): void {
  app.get('/docket/v1/deliveries', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const state = one(q, 'state') || undefined;
    if (state !== undefined && !DELIVERY_STATES.includes(state as DeliveryState)) {
      throw new BadRequestError(`state: must be one of ${DELIVERY_STATES.join(', ')}, got "${state}"`);
    }
    const limitText = one(q, 'limit') || undefined;
    if (limitText !== undefined && !/^[1-9]\d{0,6}$/.test(limitText)) throw new BadRequestError(`limit: must be a positive integer, got "${limitText}"`);
    const target = one(q, 'target') || undefined;
    const cont = one(q, 'continue') || undefined;
    const page = await store.list({
      ...(target ? { target } : {}), ...(state ? { state: state as DeliveryState } : {}),
      ...(limitText ? { limit: Number(limitText) } : {}), ...(cont ? { continue: cont } : {}),
    });
    const doc: DeliveryListDocument = {
      kind: 'DeliveryList', apiVersion: DELIVERIES_API_VERSION,
      metadata: page.continue ? { continue: page.continue } : {}, items: page.items.map(toDeliveryView),
    };
    return sendDocument(reply, 200, doc);
  });

  app.get('/docket/v1/deliveries/summary', async (_req, reply) => {
    const byTarget = new Map<string, { target: string } & Record<DeliveryState, number>>();
    for (const c of await store.counts()) {
      let row = byTarget.get(c.target);
      if (!row) byTarget.set(c.target, row = { target: c.target, pending: 0, inflight: 0, sent: 0, dead: 0 });
      row[c.state] = c.count;
    }
    const doc: DeliverySummaryDocument = { kind: 'DeliverySummary', apiVersion: DELIVERIES_API_VERSION, targets: [...byTarget.values()] };
    return sendDocument(reply, 200, doc);
  });
}

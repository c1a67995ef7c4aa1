/**
 * What both outbox engines share: input checks, the row → Delivery mapping, the keyset `continue`
 * token and page-size rules.
 */
import { BadRequestError } from '@docket/model';
import { DELIVERY_STATES, type Delivery, type DeliveryListOptions, type DeliveryState, type NewDelivery } from './types.ts';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

/** A row as either engine reads it (PostgreSQL returns bigint columns as strings). */
export interface DeliveryRow {
  id: number | string;
  target: string;
  key: string;
  payload: string;
  state: string;
  attempts: number | string;
  last_error: string | null;
  created_at: number | string;
  next_attempt_at: number | string;
  owner: string | null;
  lease_until: number | string | null;
  done_at: number | string | null;
}

/** Column list matching DeliveryRow, for SELECT and RETURNING. */
export const ROW_COLUMNS = 'id, target, key, payload, state, attempts, last_error, created_at, next_attempt_at, owner, lease_until, done_at';

export function toDelivery(r: DeliveryRow): Delivery {
  const d: Delivery = {
    id: String(r.id),
    target: r.target,
    key: r.key,
    payload: JSON.parse(r.payload) as unknown,
    state: r.state as DeliveryState,
    attempts: Number(r.attempts),
    createdAt: Number(r.created_at),
    nextAttemptAt: Number(r.next_attempt_at),
  };
  if (r.last_error !== null) d.lastError = r.last_error;
  if (r.owner !== null) d.owner = r.owner;
  if (r.lease_until !== null) d.leaseUntil = Number(r.lease_until);
  if (r.done_at !== null) d.doneAt = Number(r.done_at);
  return d;
}

/** Checks one item and serialises its payload; throws a BadRequestError naming the item. */
export function encodeNew(item: NewDelivery, i: number): { target: string; key: string; payload: string } {
  if (typeof item.target !== 'string' || item.target === '') throw new BadRequestError(`deliveries[${i}].target: must be a non-empty string`);
  if (typeof item.key !== 'string' || item.key === '') throw new BadRequestError(`deliveries[${i}].key: must be a non-empty string`);
  const payload = JSON.stringify(item.payload);
  if (payload === undefined) throw new BadRequestError(`deliveries[${i}].payload: must be JSON-serialisable`);
  return { target: item.target, key: item.key, payload };
}

export interface ListQuery {
  target?: string;
  state?: DeliveryState;
  /** Rows with id greater than this. */
  after: number;
  limit: number;
}

/** Validates list options and decodes the continue token. */
export function parseListOptions(opts: DeliveryListOptions = {}): ListQuery {
  const limit = opts.limit ?? DEFAULT_PAGE;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new BadRequestError(`limit: must be a positive integer, got ${String(opts.limit)}`);
  if (opts.state !== undefined && !DELIVERY_STATES.includes(opts.state)) {
    throw new BadRequestError(`state: must be one of ${DELIVERY_STATES.join(', ')}, got "${String(opts.state)}"`);
  }
  return { target: opts.target || undefined, state: opts.state, after: opts.continue ? decodeDeliveryContinue(opts.continue) : 0, limit: Math.min(limit, MAX_PAGE) };
}

export function encodeDeliveryContinue(lastId: string): string {
  return Buffer.from(JSON.stringify({ d: 1, id: Number(lastId) })).toString('base64url');
}

export function decodeDeliveryContinue(token: string): number {
  try {
    const raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (raw['d'] === 1 && Number.isSafeInteger(raw['id']) && (raw['id'] as number) >= 0) return raw['id'] as number;
  } catch { /* the 400 below */ }
  throw new BadRequestError('continue: malformed continue token');
}

/** Builds a page from up to limit+1 rows read. */
export function toPage(rows: DeliveryRow[], limit: number): { items: Delivery[]; continue?: string } {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(toDelivery);
  return more ? { items, continue: encodeDeliveryContinue(items[items.length - 1]!.id) } : { items };
}

/** True if a row may be claimed now: pending and due, or inflight with an expired lease. */
export function claimable(r: { state: string; next_attempt_at: number | string; lease_until: number | string | null }, now: number): boolean {
  if (r.state === 'pending') return Number(r.next_attempt_at) <= now;
  return r.state === 'inflight' && r.lease_until !== null && Number(r.lease_until) <= now;
}

export function checkClaim(limit: number, leaseMs: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new BadRequestError(`claim limit: must be a positive integer, got ${limit}`);
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new BadRequestError(`claim leaseMs: must be positive, got ${leaseMs}`);
}

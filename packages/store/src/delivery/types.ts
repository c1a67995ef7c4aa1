/**
 * The durable outbox of the reporter: notifications waiting for (or done with) delivery to a
 * target, kept in the store's database next to the reports so that a new leader continues where
 * the old one stopped.
 *
 * Life of a row: pending → inflight (claimed by one owner under a lease) → sent | dead, or back to
 * pending with a later `nextAttemptAt` after a retryable failure. A claim carries a fencing token:
 * marks name the token, so a replica whose claim was taken over (its lease expired and another
 * claimed the row again) changes nothing.
 */

/** One notification to enqueue. */
export interface NewDelivery {
  /** Configured target or channel name, e.g. "slack" or "slack/ops". */
  target: string;
  /** Idempotency key chosen by the pipeline; (target, key) is unique: enqueueing it again is a no-op. */
  key: string;
  /** JSON-serialisable notification (the dispatcher casts it to @docket/targets Notification). */
  payload: unknown;
}

export type DeliveryState = 'pending' | 'inflight' | 'sent' | 'dead';

export const DELIVERY_STATES: readonly DeliveryState[] = Object.freeze(['pending', 'inflight', 'sent', 'dead']);

/** A stored delivery. Times are milliseconds since the epoch. */
export interface Delivery {
  /** Row id (decimal string); increases with enqueue order. */
  id: string;
  target: string;
  key: string;
  payload: unknown;
  state: DeliveryState;
  /** Sends started so far (a claim counts one; a release before sending gives it back). */
  attempts: number;
  /** Message of the last failed attempt. */
  lastError?: string;
  createdAt: number;
  /** A pending row is not claimed before this time (backoff). */
  nextAttemptAt: number;
  /** Claimer and lease expiry, while inflight. */
  owner?: string;
  leaseUntil?: number;
  /** When the row became sent or dead. */
  doneAt?: number;
}

/** Rows handed to one claimer; `token` fences every later mark. */
export interface DeliveryClaim {
  token: string;
  owner: string;
  leaseUntil: number;
  items: Delivery[];
}

export interface ClaimRequest {
  target: string;
  /** Who claims (e.g. `hostname/pid`); visible in listings. */
  owner: string;
  /** At most this many rows (oldest first). */
  limit: number;
  /** The lease: after `now + leaseMs` another claimer may take the rows again. */
  leaseMs: number;
  /**
   * Keep per-target order: claim only the unbroken run of due rows at the head of the target's
   * queue, stopping at the first row that is waiting (backoff) or held by a live lease.
   */
  ordered?: boolean;
  now?: number;
}

export interface DeliveryListOptions {
  target?: string;
  state?: DeliveryState;
  /** Page size, default 100, at most 1000. */
  limit?: number;
  /** Token from the previous page. */
  continue?: string;
}

export interface DeliveryPage {
  items: Delivery[];
  /** Set when more rows may follow. */
  continue?: string;
}

export interface DeliveryCount {
  target: string;
  state: DeliveryState;
  count: number;
}

export interface DeliveryStore {
  /** In ONE transaction: inserts the deliveries whose (target,key) is new and sets the given cursors; returns how many were inserted. */
  enqueue(items: readonly NewDelivery[], cursors?: Readonly<Record<string, string>>): Promise<number>;
  /** A named cursor (the pipeline stores the resourceVersion it has processed); undefined if never set. */
  readCursor(name: string): Promise<string | undefined>;
  close(): Promise<void>;

  /** Claims due rows of one target (pending and due, or inflight with an expired lease), oldest first. */
  claim(req: ClaimRequest): Promise<DeliveryClaim>;
  /** Marks rows of a claim sent; returns how many were still held by that claim (others are ignored). */
  markSent(token: string, ids: readonly string[], now?: number): Promise<number>;
  /** Back to pending, due at `nextAttemptAt`, keeping `error` as the last error. */
  markRetry(token: string, ids: readonly string[], error: string, nextAttemptAt: number): Promise<number>;
  /** Dead-letters rows of a claim with the last error. */
  markDead(token: string, ids: readonly string[], error: string, now?: number): Promise<number>;
  /** Hands rows back unsent (the attempt is not counted), due at once. */
  release(token: string, ids: readonly string[]): Promise<number>;
  /** Earliest time a row of `target` may become claimable (now for due rows); undefined if none is waiting. */
  nextDueAt(target: string): Promise<number | undefined>;
  /** Rows by filter in id order, keyset-paginated. */
  list(opts?: DeliveryListOptions): Promise<DeliveryPage>;
  /** Row counts per (target, state), non-zero only; `states` limits the count to those (cheap for the small states). */
  counts(states?: readonly DeliveryState[]): Promise<DeliveryCount[]>;
  /** Puts dead rows (of one target, or all) back to pending with a fresh attempt count; returns how many. */
  requeueDead(target?: string): Promise<number>;
  /** Deletes sent rows done before `before` (ms), at most `limit` per call; returns how many. */
  pruneSent(before: number, limit?: number): Promise<number>;
}

export interface DeliveryStoreOptions {
  /** Rows belong to this cluster (the report store's `clusterId`); default "default". */
  clusterId?: string;
  /** PostgreSQL pool size; default 16 (claims and marks of every dispatcher lane run side by side). */
  poolSize?: number;
  /** SQLite busy timeout while the report store holds the write lock; default 5000 ms. */
  busyTimeoutMs?: number;
}

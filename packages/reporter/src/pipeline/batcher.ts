/**
 * Groups deliveries and cursor moves into outbox transactions: one `enqueue` carries the rows of
 * several report changes together with the resourceVersion processed up to, so the cursor never
 * runs ahead of (or behind) what was enqueued. Transactions commit one after the other, in order.
 */
import type { DeliveryStore, NewDelivery } from '@docket/store';

export interface Batcher {
  add(items: readonly NewDelivery[]): void;
  /** Records that everything up to `rv` of cursor `name` is in this batch. */
  cursor(name: string, rv: string): void;
  /** Pending rows not yet handed to a flush. */
  readonly size: number;
  /** Commits what is pending (after earlier flushes); rejects if any flush failed. */
  flush(): Promise<void>;
  /** Flushes after a short delay unless a flush is already scheduled. */
  schedule(): void;
  /** The first flush failure, if any: the caller must rebuild from the persisted cursors. */
  readonly failure: Error | undefined;
  /** Cancels a scheduled flush. */
  cancel(): void;
}

export function createBatcher(
  outbox: Pick<DeliveryStore, 'enqueue'>, delayMs: number, onEnqueued: (count: number) => void,
): Batcher {
  let items: NewDelivery[] = [];
  let cursors: Record<string, string> = {};
  let dirty = false;
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failure: Error | undefined;

  // One transaction at a time; whatever arrives meanwhile goes into the next one (group commit),
  // so a slow commit makes batches bigger instead of queueing many small transactions.
  const drain = async (): Promise<void> => {
    while (dirty && !failure) {
      const batch = items;
      const cs = cursors;
      items = [];
      cursors = {};
      dirty = false;
      const inserted = await outbox.enqueue(batch, cs);
      if (inserted > 0) onEnqueued(inserted);
    }
  };
  const flush = (): Promise<void> => {
    if (timer) { clearTimeout(timer); timer = undefined; }
    if (failure) return Promise.reject(failure);
    inFlight ??= drain().catch((e: unknown) => {
      failure ??= e instanceof Error ? e : new Error(String(e));
      throw failure;
    }).finally(() => { inFlight = undefined; });
    // Rows added after the drain's last look are committed by one more round.
    return inFlight.then(() => (dirty ? flush() : undefined));
  };

  return {
    add(list) {
      for (const d of list) items.push(d);
      if (list.length > 0) dirty = true;
    },
    cursor(name, rv) {
      cursors[name] = rv;
      dirty = true;
    },
    get size() { return items.length; },
    flush,
    schedule() {
      timer ??= setTimeout(() => { timer = undefined; void flush().catch(() => {}); }, delayMs);
    },
    get failure() { return failure; },
    cancel() {
      if (timer) { clearTimeout(timer); timer = undefined; }
    },
  };
}

/**
 * Groups deliveries and cursor moves into outbox transactions: one `enqueue` carries the rows of
 * several report changes together with the resourceVersion processed up to, so the cursor never
 * runs ahead of (or behind) what was enqueued. Flushes are chained, so transactions commit in order.
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
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let failure: Error | undefined;

  const flush = (): Promise<void> => {
    if (timer) { clearTimeout(timer); timer = undefined; }
    if (!dirty) return chain;
    const batch = items;
    const cs = cursors;
    items = [];
    cursors = {};
    dirty = false;
    chain = chain.then(async () => {
      const inserted = await outbox.enqueue(batch, cs);
      if (inserted > 0) onEnqueued(inserted);
    });
    chain.catch((e: unknown) => { failure ??= e instanceof Error ? e : new Error(String(e)); });
    return chain;
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

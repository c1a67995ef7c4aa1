/**
 * Time-ordered memory of removals, for flap suppression: a result that disappears and comes back
 * within the window is not new again. Entries are pushed with non-decreasing expiry times, so expiry
 * is a pop from the front (amortised O(1)) and memory stays bounded by `maxEntries`: when full, the
 * oldest removal is forgotten early (its result would be re-notified if it came back, the safe side).
 *
 * Each entry gets a sequence number; the owner stores it next to the key so that a stale queue entry
 * (the result came back and was removed again later) is recognised and left alone.
 */
export interface ExpiryQueue<O> {
  /** Remembers `key` of `owner` until `expiresAt` (ms); returns the entry's sequence number. */
  push(owner: O, key: string, expiresAt: number): number;
  /** Pops every entry expired at `now` (and any over capacity), calling `onExpire` for each. */
  sweep(now: number, onExpire: (owner: O, key: string, seq: number) => void): void;
  /** Expiry time (ms) of a live sequence number, or undefined when it has left the queue. */
  expiresAt(seq: number): number | undefined;
  /** Entries currently held (including stale ones not yet popped). */
  readonly size: number;
}

/**
 * Creates an empty {@link ExpiryQueue} holding at most `maxEntries` entries. Sequence numbers are
 * `index * lanes + lane`, so several queues sharing one owner map (`lane` 0…`lanes`-1) never collide.
 */
export function createExpiryQueue<O>(maxEntries: number, lane = 0, lanes = 1): ExpiryQueue<O> {
  // Parallel arrays with a moving head: times stay a packed double array (8 bytes per entry).
  let owners: O[] = [];
  let keys: string[] = [];
  let times: number[] = [];
  let head = 0;
  let firstSeq = 0; // sequence number of owners[0]

  const compact = () => {
    if (head < 1024 || head * 2 < owners.length) return;
    owners = owners.slice(head);
    keys = keys.slice(head);
    times = times.slice(head);
    firstSeq += head;
    head = 0;
  };

  return {
    push(owner, key, expiresAt) {
      owners.push(owner);
      keys.push(key);
      times.push(expiresAt);
      return (firstSeq + owners.length - 1) * lanes + lane;
    },
    sweep(now, onExpire) {
      while (head < owners.length && (times[head]! <= now || owners.length - head > maxEntries)) {
        const owner = owners[head]!;
        const key = keys[head]!;
        owners[head] = undefined as O; // let the owner be collected before compaction
        onExpire(owner, key, (firstSeq + head) * lanes + lane);
        head++;
      }
      if (head === owners.length) {
        firstSeq += head;
        owners = []; keys = []; times = []; head = 0;
      } else {
        compact();
      }
    },
    expiresAt(seq) {
      if ((seq - lane) % lanes !== 0) return undefined;
      const i = (seq - lane) / lanes - firstSeq;
      return i >= head && i < owners.length ? times[i] : undefined;
    },
    get size() { return owners.length - head; },
  };
}

/** Policy Reporter's flap window: a result gone for less than 6 h is not new when it returns. */
export const DEFAULT_FLAP_WINDOW_MS = 6 * 3_600_000;

/** Policy Reporter keeps a deleted report's result ids for 10 min, so a quick re-create is not news. */
export const DEFAULT_DELETED_REPORT_GRACE_MS = 10 * 60_000;

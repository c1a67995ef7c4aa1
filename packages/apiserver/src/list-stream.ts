/**
 * Lists read from the store in small steps and streamed as they are read. A page of 500 full
 * reports decoded at once stays alive for the whole response, survives young-generation GCs and
 * is promoted, so every page left tens of MB of garbage in old space and the server's RSS climbed
 * far above its live data. Reading `step` items at a time (chaining the store's own continue
 * tokens, which pin the first step's snapshot) keeps only a few MB alive per request: they die
 * young, and the first bytes leave sooner. Unlimited lists (`limit` unset) are read the same way,
 * so a client asking for 100k reports at once no longer makes the server decode them all first.
 */
import type { ReportObject } from '@docket/model';
import type { CollectionRef, ListOptions, ListResult, ReportStore } from '@docket/store';

/** Items per store call: small enough to die in the young generation (~30 KB of heap per full report). */
export const LIST_STEP = 50;
/** Items per store call for summary projections (Table rows, metadata): ~1 KB each, so fewer, bigger steps. */
export const SUMMARY_LIST_STEP = 500;

/** The list metadata of the whole response, known once every step has been read. */
export interface ListTail {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface SteppedList {
  /** Batches of items in list order; the first one is already read (errors surfaced before any byte was sent). */
  batches: AsyncIterable<ReportObject[]>;
  /** The response's list metadata; complete once `batches` is exhausted. */
  tail(): ListTail;
}

/**
 * Reads what one `store.list(ref, opts)` call would return, `step` items per call. The first call
 * carries the client's options (resourceVersion, match, continue); later calls carry only the
 * selectors, the projection and the previous call's continue token, so every step reads the same
 * snapshot and `remainingItemCount` counts from the client's position, as one big call would.
 */
export async function readStepped(store: ReportStore, ref: CollectionRef, opts: ListOptions,
  step = opts.projection === 'summary' ? SUMMARY_LIST_STEP : LIST_STEP): Promise<SteppedList> {
  const want = opts.limit && opts.limit > 0 ? opts.limit : 0;
  const stepLimit = (served: number): number => (want === 0 ? step : Math.min(step, want - served));
  let last: ListResult = await store.list(ref, { ...opts, limit: stepLimit(0) });
  const resourceVersion = last.resourceVersion;
  let served = last.items.length;
  let done = !last.continue || (want > 0 && served >= want);
  const first = last.items;

  async function* batches(): AsyncGenerator<ReportObject[]> {
    yield first;
    while (!done) {
      const next: ListOptions = { continue: last.continue, limit: stepLimit(served) };
      if (opts.labels) next.labels = opts.labels;
      if (opts.fields) next.fields = opts.fields;
      if (opts.projection) next.projection = opts.projection;
      last = await store.list(ref, next);
      served += last.items.length;
      done = !last.continue || (want > 0 && served >= want);
      yield last.items;
    }
  }

  return {
    batches: batches(),
    tail: () => {
      const meta: ListTail = { resourceVersion };
      // An unlimited list has been read to its end: no continue even if a step had one.
      if (want > 0 && last.continue) {
        meta.continue = last.continue;
        if (last.remainingItemCount !== undefined) meta.remainingItemCount = last.remainingItemCount;
      }
      return meta;
    },
  };
}

import { BadRequestError } from '@docket/model';
import type { StoreOptions } from '../types.ts';

/** StoreOptions with every default filled in. */
export type ResolvedStoreOptions = Required<StoreOptions>;

export const DEFAULT_STORE_OPTIONS: ResolvedStoreOptions = Object.freeze({
  clusterId: 'default',
  historyRetentionMs: 5 * 60_000,
  watchBufferSize: 10_000,
  bookmarkIntervalMs: 60_000,
});

export function resolveStoreOptions(opts: StoreOptions = {}): ResolvedStoreOptions {
  return {
    clusterId: opts.clusterId ?? DEFAULT_STORE_OPTIONS.clusterId,
    historyRetentionMs: opts.historyRetentionMs ?? DEFAULT_STORE_OPTIONS.historyRetentionMs,
    watchBufferSize: opts.watchBufferSize ?? DEFAULT_STORE_OPTIONS.watchBufferSize,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? DEFAULT_STORE_OPTIONS.bookmarkIntervalMs,
  };
}

/** Parses a client-supplied resourceVersion ('' and undefined → undefined). */
export function parseResourceVersion(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '') return undefined;
  if (!/^\d+$/.test(rv)) throw new BadRequestError(`invalid resource version "${rv}"`);
  return Number(rv);
}

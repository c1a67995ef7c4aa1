/**
 * Opens a store from a URL. Each engine registers one opener keyed by URL scheme; adding an engine
 * is one line in ENGINES.
 *
 *   sqlite:./data/docket.db   sqlite:/abs/path.db   sqlite::memory:   sqlite:./d.db?synchronous=NORMAL
 */
import { BadRequestError } from '@docket/model';
import type { ReportStore, StoreOptions } from './types.ts';
import { createSqliteStore } from './sqlite/store.ts';
import { createPostgresStore } from './postgres/store.ts';

export type StoreOpener = (url: string, opts: StoreOptions) => Promise<ReportStore>;

const ENGINES: Record<string, StoreOpener> = {
  sqlite: openSqlite,
  postgres: (url, opts) => createPostgresStore({ ...opts, url }),
  postgresql: (url, opts) => createPostgresStore({ ...opts, url }),
};

/** `sqlite:<path>[?synchronous=FULL|NORMAL]`; an empty path is an in-memory database. */
function openSqlite(url: string, opts: StoreOptions): Promise<ReportStore> {
  const rest = url.slice('sqlite:'.length);
  const q = rest.indexOf('?');
  const path = (q < 0 ? rest : rest.slice(0, q)) || ':memory:';
  const params = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
  const sync = (params.get('synchronous') ?? 'FULL').toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL') throw new BadRequestError(`unsupported synchronous=${sync} in store URL: FULL or NORMAL`);
  return createSqliteStore({ ...opts, path, sqliteSynchronous: sync });
}

/** The URL scheme (`sqlite`, `postgres`, …) of a store URL. */
export function storeScheme(url: string): string {
  const i = url.indexOf(':');
  return i < 0 ? '' : url.slice(0, i).toLowerCase();
}

/** Registers another engine (used by engines living outside this file, and by tests). */
export function registerStoreEngine(scheme: string, opener: StoreOpener): void {
  ENGINES[scheme] = opener;
}

/** Opens the store a URL names, e.g. `sqlite:./data/docket.db` or `postgres://…`. */
export async function openStore(url: string, opts: StoreOptions = {}): Promise<ReportStore> {
  const opener = ENGINES[storeScheme(url)];
  if (!opener) {
    throw new BadRequestError(`unsupported store URL "${url}": expected one of ${Object.keys(ENGINES).map((s) => `${s}:`).join(', ')}`);
  }
  return opener(url, opts);
}

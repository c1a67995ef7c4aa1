/**
 * Opens the outbox in the database a store URL names (the same URL forms as `openStore`), next to
 * the reports: `sqlite:PATH[?…]` or `postgres://…`.
 */
import { BadRequestError } from '@docket/model';
import { createPostgresDeliveryStore } from './postgres.ts';
import { createSqliteDeliveryStore } from './sqlite.ts';
import type { DeliveryStore, DeliveryStoreOptions } from './types.ts';

/** Opens the delivery outbox at `sqlite:PATH` or `postgres://…`, creating its tables if needed. */
export async function openDeliveryStore(url: string, opts: DeliveryStoreOptions = {}): Promise<DeliveryStore> {
  const scheme = url.slice(0, Math.max(0, url.indexOf(':'))).toLowerCase();
  if (scheme === 'sqlite') {
    const rest = url.slice('sqlite:'.length);
    const q = rest.indexOf('?');
    const sync = (new URLSearchParams(q < 0 ? '' : rest.slice(q + 1)).get('synchronous') ?? 'FULL').toUpperCase();
    if (sync !== 'FULL' && sync !== 'NORMAL') throw new BadRequestError(`unsupported synchronous=${sync} in store URL: FULL or NORMAL`);
    return createSqliteDeliveryStore({ ...opts, path: (q < 0 ? rest : rest.slice(0, q)) || ':memory:', synchronous: sync });
  }
  if (scheme === 'postgres' || scheme === 'postgresql') return createPostgresDeliveryStore({ ...opts, url });
  throw new BadRequestError(`unsupported store URL "${url}" for the delivery outbox: expected sqlite: or postgres://`);
}

/**
 * Opens the outbox in the database a store URL names (same URL forms as `openStore`).
 */
import { BadRequestError } from '@docket/model';
import type { DeliveryStore, DeliveryStoreOptions } from './types.ts';

/** Opens the delivery outbox at `sqlite:PATH` or `postgres://…`, creating its tables if needed. */
export async function openDeliveryStore(url: string, opts: DeliveryStoreOptions = {}): Promise<DeliveryStore> {
  void opts;
  throw new BadRequestError(`delivery store for "${url}" is not implemented yet`);
}

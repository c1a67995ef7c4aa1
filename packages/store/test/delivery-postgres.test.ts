/** The DeliveryStore contract on PostgreSQL, one fresh database per store. */
import { after, before } from 'node:test';
import { runDeliveryContract } from './delivery-contract.ts';
import { createTestDatabase, type TestDatabase } from './postgres-helpers.ts';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

runDeliveryContract('postgres', () => db.fresh());

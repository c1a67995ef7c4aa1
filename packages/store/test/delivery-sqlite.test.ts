/** The DeliveryStore contract on SQLite, one fresh file per store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { runDeliveryContract } from './delivery-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'docket-delivery-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runDeliveryContract('sqlite', async () => `sqlite:${join(dir, `outbox-${++n}.db`)}`);

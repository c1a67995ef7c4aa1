/** bench:reporter part 4: outbox enqueue throughput (rows/s) in batches, with the cursor in the same transaction. */
import { join } from 'node:path';
import { openDeliveryStore } from '@docket/store';

export interface OutboxFigures { rows: number; batch: number; seconds: number; rowsPerSec: number; duplicateRowsPerSec: number }

export async function runOutboxBench(dir: string, opts: { rows: number; batch: number }, log: (m: string) => void): Promise<OutboxFigures> {
  const outbox = await openDeliveryStore(`sqlite:${join(dir, 'outbox.db')}`);
  try {
    const payload = { resultId: 'x', result: { policy: 'p', result: 'fail' }, report: { name: 'r', namespace: 'n', kind: 'PolicyReport' } };
    const batches = Math.ceil(opts.rows / opts.batch);
    const make = (b: number) => Array.from({ length: opts.batch }, (_, i) => ({ target: 'bench', key: `k${b}-${i}`, payload }));
    let t0 = Date.now();
    for (let b = 0; b < batches; b++) {
      await outbox.enqueue(make(b), { 'bench/cursor': String(b) });
      if (b % 20 === 0) log(`outbox: ${b * opts.batch} rows`);
    }
    const seconds = (Date.now() - t0) / 1000;
    // The same keys again: what a second replica or a resumed leader costs (inserted once).
    t0 = Date.now();
    for (let b = 0; b < batches; b++) await outbox.enqueue(make(b), { 'bench/cursor': String(b) });
    const dupSeconds = (Date.now() - t0) / 1000;
    return { rows: batches * opts.batch, batch: opts.batch, seconds, rowsPerSec: Math.round((batches * opts.batch) / seconds), duplicateRowsPerSec: Math.round((batches * opts.batch) / dupSeconds) };
  } finally {
    await outbox.close();
  }
}

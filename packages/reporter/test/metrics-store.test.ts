import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError } from '@docket/model';
import { openStore } from '@docket/store';
import { createReporterMetrics, timeCalls } from '../src/metrics/index.ts';

test('timeCalls times every store operation of a real SQLite store into the store latency histogram', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-metrics-store-'));
  const raw = await openStore(`sqlite:${join(dir, 'docket.db')}`);
  try {
    const metrics = createReporterMetrics({ config: { enabled: false, mode: 'simple', customLabels: [] }, defaultMetrics: false });
    const store = timeCalls(raw, metrics.storeLatency);
    const key = { group: 'wgpolicyk8s.io', resource: 'policyreports', namespace: 'shop', name: 'polr' };
    const ref = { group: 'wgpolicyk8s.io', resource: 'policyreports', namespace: 'shop' };
    await store.create(key, { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name: 'polr', namespace: 'shop' }, results: [{ policy: 'p', result: 'fail' }] });
    assert.equal((await store.get(key)).metadata.name, 'polr');
    assert.equal((await store.list(ref)).items.length, 1);
    await assert.rejects(store.get({ ...key, name: 'missing' }), NotFoundError);
    const { body } = await metrics.render();
    const count = (op: string) => Number(new RegExp(`^docket_store_operation_duration_seconds_count\\{operation="${op}"\\} (\\d+)$`, 'm').exec(body)?.[1] ?? 0);
    assert.equal(count('create'), 1);
    assert.equal(count('get'), 2, 'the failed get is timed too');
    assert.equal(count('list'), 1);
  } finally {
    await raw.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('timeCalls leaves non-promise results and plain properties alone', async () => {
  const seen: string[] = [];
  const obj = { n: 3, sync: (x: number) => x * 2, async later(x: number) { return x + this.n; } };
  const t = timeCalls(obj, (op) => seen.push(op));
  assert.equal(t.n, 3);
  assert.equal(t.sync(2), 4);
  assert.equal(await t.later(1), 4);
  assert.deepEqual(seen, ['later']);
});

/** From a config file to delivered notifications: targets and channels by name, delivery options. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { openDeliveryStore } from '@docket/store';
import { createDispatcherFactory, loadConfig } from '@docket/reporter';
import { deliveries, startReceiver, targetDeps, waitFor } from './dispatch-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'docket-dispatch-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('a factory from the config sends to each configured target and channel by name', async () => {
  const root = await startReceiver();
  const ops = await startReceiver();
  root.answer((_ids, hit) => (hit === 0 ? { status: 500 } : { status: 200 }));
  const config = await loadConfig({ text: [
    'target:',
    '  webhook:',
    '    name: hooks',
    `    webhook: ${root.url}`,
    '    channels:',
    `    - {name: ops, webhook: ${ops.url}}`,
    'delivery: {concurrency: 1, maxAttempts: 3, backoff: {base: 10ms, max: 50ms}, pollInterval: 50ms}',
  ].join('\n') });
  assert.deepEqual(config.targets.map((t) => t.name), ['hooks', 'ops']);
  const store = await openDeliveryStore(`sqlite:${join(dir, 'c.db')}`);
  const make = createDispatcherFactory({ config, targetDeps });
  const d = make(store, () => true);
  try {
    await store.enqueue([...deliveries('hooks', 3), ...deliveries('ops', 2, 'o')]);
    d.start();
    await waitFor('both targets served', () => root.accepted().length >= 3 && ops.accepted().length >= 2);
    assert.deepEqual(root.accepted(), ['r0000', 'r0001', 'r0002'], 'in order after the retry (concurrency 1 from the config)');
    assert.deepEqual(ops.accepted(), ['o0000', 'o0001']);
    assert.equal((await store.list({ target: 'hooks', limit: 1 })).items[0]!.attempts, 2);
  } finally {
    await d.stop();
    await d.stop();
    await root.close();
    await ops.close();
    await store.close();
  }
});

// The contract every target passes: it validates a config, sends a batch that arrives, and
// classifies failures (503 → retryable, 400 → not, connection refused → retryable).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SendError, type TargetDefinition } from '../../src/index.ts';
import { ctx, manyNotifications, testDeps } from './fixtures.ts';
import { refusedUrl, startReceiver, type Receiver, type Responder } from './receiver.ts';

export interface ContractOptions {
  /** A raw config (as a user writes it) pointing the target at `baseUrl`. */
  config: (baseUrl: string) => unknown;
  /** How a healthy service answers (default 200 `{}`). */
  ok?: Responder;
}

export function runTargetContract(definition: TargetDefinition<any>, options: ContractOptions): void {
  describe(`target contract: ${definition.type}`, () => {
    let receiver: Receiver;
    const ok: Responder = options.ok ?? (() => ({ status: 200, body: {} }));
    before(async () => { receiver = await startReceiver(ok); });
    after(() => receiver.close());

    const make = (url: string) => definition.create(definition.configSchema.parse(options.config(url)), testDeps());

    it('rejects unknown config keys', () => {
      const raw = { ...(options.config('http://127.0.0.1:1') as object), notAKey: true };
      assert.equal(definition.configSchema.safeParse(raw).success, false);
    });

    it('sends a full batch that arrives', async () => {
      receiver.respond(ok);
      receiver.requests.length = 0;
      const target = make(receiver.url);
      assert.equal(target.type, definition.type);
      assert.equal(target.name, definition.displayName, 'unnamed config takes the display name');
      assert.ok(target.maxBatch >= 1);
      // Policy names free of characters any target escapes, so they can be found in what arrived.
      const batch = manyNotifications(Math.min(target.maxBatch, 3)).map((n, i) => ({ ...n, result: { ...n.result, policy: `contract${i}policy` } }));
      await target.send(batch, ctx());
      assert.ok(receiver.requests.length >= 1, 'nothing arrived');
      const all = receiver.requests.map((r) => decodeURIComponent(r.text + r.path)).join('\n');
      for (const n of batch) assert.ok(all.includes(n.result.policy), `policy ${n.result.policy} missing from what arrived`);
      await target.close?.();
    });

    it('throws a retryable SendError on 503', async () => {
      receiver.respond(() => ({ status: 503, body: 'busy' }));
      const target = make(receiver.url);
      const err = await target.send(manyNotifications(1), ctx()).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof SendError, `expected SendError, got ${String(err)}`);
      assert.equal(err.retryable, true);
      assert.equal(err.status, 503);
      await target.close?.();
    });

    it('throws a non-retryable SendError on 400', async () => {
      receiver.respond(() => ({ status: 400, body: 'bad' }));
      const target = make(receiver.url);
      const err = await target.send(manyNotifications(1), ctx()).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof SendError);
      assert.equal(err.retryable, false);
      assert.equal(err.status, 400);
      await target.close?.();
    });

    it('throws a retryable SendError when the connection is refused', async () => {
      const target = make(await refusedUrl());
      const err = await target.send(manyNotifications(1), ctx()).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof SendError);
      assert.equal(err.retryable, true);
      assert.equal(err.status, undefined);
      await target.close?.();
    });
  });
}

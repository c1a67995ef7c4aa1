import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DISCORD_LIMITS, discordTarget, embedSize, formatDiscord, SendError, type DiscordEmbed } from '../src/index.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, manyNotifications, NOW, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

function assertWithinLimits(payload: Record<string, unknown>): DiscordEmbed[] {
  const embeds = payload['embeds'] as DiscordEmbed[];
  assert.ok(embeds.length <= DISCORD_LIMITS.embeds);
  let total = 0;
  for (const e of embeds) {
    assert.ok(e.title.length <= DISCORD_LIMITS.title);
    assert.ok((e.description?.length ?? 0) <= DISCORD_LIMITS.description);
    assert.ok(e.fields.length <= DISCORD_LIMITS.fields);
    for (const f of e.fields) {
      assert.ok(f.name.length > 0 && f.name.length <= DISCORD_LIMITS.fieldName);
      assert.ok(f.value.length > 0 && f.value.length <= DISCORD_LIMITS.fieldValue);
    }
    total += embedSize(e);
  }
  assert.ok(total <= DISCORD_LIMITS.total, `total ${total}`);
  return embeds;
}

describe('discord format', () => {
  it('one embed per result, coloured by severity, mentions disabled', () => {
    assert.deepEqual(formatDiscord([notification()], NOW, { cluster: 'prod' }), {
      allowed_mentions: { parse: [] },
      embeds: [{
        title: 'require-labels',
        description: 'label team is required',
        color: 0xb80707,
        timestamp: '2026-11-18T11:06:40.000Z',
        fields: [
          ['Rule', 'check-team'], ['Status', 'fail'], ['Severity', 'high'], ['Category', 'Best Practices'], ['Source', 'kyverno'],
          ['Kind', 'Pod'], ['Name', 'web-0'], ['Namespace', 'shop'], ['API Version', 'v1'], ['cluster', 'prod'], ['version', '1.2'],
        ].map(([name, value]) => ({ name, value, inline: true })),
      }],
    });
  });

  it('severity colours and no-severity grey', () => {
    const colour = (severity?: 'critical' | 'info') => (formatDiscord([notification({ resultOverrides: { severity } })], NOW)['embeds'] as DiscordEmbed[])[0]!.color;
    assert.deepEqual([colour('critical'), colour('info'), colour(undefined)], [0xe20b0b, 0x68c2ff, 0x9e9e9e]);
  });

  it('keeps a single huge result within every limit', () => {
    const props = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`p${i}`.padEnd(300, 'k'), 'v'.repeat(2000)]));
    const [e] = assertWithinLimits(formatDiscord([notification({ resultOverrides: { policy: 'p'.repeat(500), message: 'm'.repeat(9000), properties: props } })], NOW));
    assert.ok(e!.title.endsWith('…'));
  });

  it('splits the 6000 total across 10 embeds and drops an 11th', () => {
    const embeds = assertWithinLimits(formatDiscord(manyNotifications(11, { message: 'm'.repeat(5000) }), NOW));
    assert.equal(embeds.length, 10);
    for (const e of embeds) assert.ok(e.description === undefined || e.description.endsWith('…'));
  });
});

describe('discord send', () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver({ status: 204 }); });
  after(() => receiver.close());

  it('executes the webhook with the embeds', async () => {
    const config = discordTarget.configSchema.parse({ webhook: `${receiver.url}/api/webhooks/1/tok` });
    await discordTarget.create(config, testDeps()).send(manyNotifications(2), ctx());
    const req = receiver.requests.at(-1)!;
    assert.deepEqual([req.method, req.path, req.headers['content-type']], ['POST', '/api/webhooks/1/tok', 'application/json']);
    assert.deepEqual(receiver.json(), formatDiscord(manyNotifications(2), NOW));
  });

  it('429 uses the body retry_after (seconds) over the header', async () => {
    receiver.respond({ status: 429, headers: { 'retry-after': '3' }, body: { message: 'You are being rate limited.', retry_after: 1.25, global: false } });
    const err = await discordTarget.create(discordTarget.configSchema.parse({ webhook: receiver.url }), testDeps()).send([notification()], ctx()).catch((e: unknown) => e);
    assert.ok(err instanceof SendError);
    assert.deepEqual([err.retryable, err.status, err.retryAfterMs], [true, 429, 1250]);
  });
});

runTargetContract(discordTarget, { config: (url) => ({ webhook: `${url}/api/webhooks/1/x` }), ok: () => ({ status: 204 }) });

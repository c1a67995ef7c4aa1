import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatSlack, SLACK_LIMITS, slackTarget } from '../src/index.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, manyNotifications, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

type Block = { type: string; text?: { type: string; text: string }; fields?: Array<{ text: string }>; elements?: Array<{ text: string }> };

/** Every Block Kit limit the service enforces. */
function assertWithinLimits(payload: { blocks: Block[]; text: string }): void {
  assert.ok(payload.blocks.length <= SLACK_LIMITS.blocks, `${payload.blocks.length} blocks`);
  for (const b of payload.blocks) {
    if (b.type === 'header') assert.ok(b.text!.text.length <= SLACK_LIMITS.headerText);
    if (b.type === 'section' && b.text) assert.ok(b.text.text.length <= SLACK_LIMITS.sectionText);
    if (b.fields) {
      assert.ok(b.fields.length <= SLACK_LIMITS.fields);
      for (const f of b.fields) assert.ok(f.text.length <= SLACK_LIMITS.fieldText);
    }
  }
}

describe('slack format', () => {
  it('builds header, summary and per-result blocks', () => {
    const n = notification({ scope: { kind: 'Deployment', name: 'web', namespace: 'shop' } });
    assert.deepEqual(formatSlack([n], { channel: '#alerts', customFields: { cluster: 'prod' } }), {
      text: 'shop/Deployment/web Policy Report Result: Received 1 new Policy Report Result',
      channel: '#alerts',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'shop/Deployment/web Policy Report Result', emoji: true } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Received 1 new Policy Report Result' }] },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*cluster*\nprod' }] },
        { type: 'divider' },
        { type: 'section', text: { type: 'mrkdwn', text: '*require-labels / check-team*\nlabel team is required' } },
        { type: 'section', fields: [
          { type: 'mrkdwn', text: '*Status*\nfail' }, { type: 'mrkdwn', text: '*Severity*\nhigh' },
          { type: 'mrkdwn', text: '*Category*\nBest Practices' }, { type: 'mrkdwn', text: '*Source*\nkyverno' },
          { type: 'mrkdwn', text: '*Resource*\nshop/Pod/web-0' }, { type: 'mrkdwn', text: '*version*\n1.2' },
        ] },
      ],
    });
  });

  it('escapes mrkdwn control characters', () => {
    const p = formatSlack([notification({ resultOverrides: { message: 'a <b> & c' } })]) as { blocks: Block[] };
    assert.equal(p.blocks[3]!.text!.text, '*require-labels / check-team*\na &lt;b&gt; &amp; c');
  });

  it('truncates over-long texts and caps fields at 10', () => {
    const props = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, 'v'.repeat(5000)]));
    const n = notification({ scope: { kind: 'K', name: 'x'.repeat(400) }, resultOverrides: { message: '&'.repeat(4000), properties: props } });
    const p = formatSlack([n]) as { blocks: Block[]; text: string };
    assertWithinLimits(p);
    assert.ok(p.blocks[0]!.text!.text.endsWith('…'));
    assert.ok(p.blocks[3]!.text!.text.endsWith('&amp;…'), 'no half entity before the ellipsis');
    assert.equal(p.blocks[4]!.fields!.length, 10);
    assert.ok(p.blocks[4]!.fields![9]!.text.endsWith('…'));
  });

  it('never passes 50 blocks and says how many results were not shown', () => {
    const p = formatSlack(manyNotifications(40), { customFields: { a: 'b' } }) as { blocks: Block[]; text: string };
    assertWithinLimits(p);
    const last = p.blocks.at(-1)!;
    assert.equal(last.type, 'context');
    assert.match(last.elements![0]!.text, /^…and 25 more results not shown$/);
  });

  it('fits exactly the max batch without a note', () => {
    const target = slackTarget.create(slackTarget.configSchema.parse({ webhook: 'http://x' }), testDeps());
    const p = formatSlack(manyNotifications(target.maxBatch), { customFields: { a: 'b' } }) as { blocks: Block[]; text: string };
    assertWithinLimits(p);
    assert.equal(p.blocks.filter((b) => b.type === 'divider').length, target.maxBatch);
  });
});

describe('slack send', () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver({ status: 200, body: 'ok' }); });
  after(() => receiver.close());

  it('posts the Block Kit JSON to the webhook with custom headers', async () => {
    const config = slackTarget.configSchema.parse({ webhook: `${receiver.url}/services/T/B/X`, headers: { 'X-Team': 'a' }, channel: '#c' });
    await slackTarget.create(config, testDeps()).send([notification()], ctx());
    const req = receiver.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/services/T/B/X');
    assert.equal(req.headers['content-type'], 'application/json');
    assert.equal(req.headers['x-team'], 'a');
    assert.deepEqual(receiver.json(), formatSlack([notification()], { channel: '#c' }));
  });
});

runTargetContract(slackTarget, { config: (url) => ({ webhook: `${url}/hook` }), ok: () => ({ status: 200, body: 'ok' }) });

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findTarget, formatTeams, msteamsTarget, TEAMS_MAX_BYTES, TEAMS_MAX_FACTS } from '../src/index.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, manyNotifications, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

type Card = { type: string; version: string; body: Array<Record<string, any>>; msteams: unknown };
const cardOf = (p: Record<string, any>): Card => p['attachments'][0].content;

describe('msteams format', () => {
  it('wraps an Adaptive Card 1.4 in a message attachment', () => {
    const n = notification({ scope: { kind: 'Deployment', name: 'web', namespace: 'shop' } });
    assert.deepEqual(formatTeams([n], { cluster: 'prod' }), {
      type: 'message',
      attachments: [{
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard', version: '1.4', msteams: { width: 'Full' },
          body: [
            { type: 'TextBlock', text: 'shop/Deployment/web', weight: 'Bolder', size: 'Large', wrap: true },
            { type: 'TextBlock', text: 'Received 1 new Policy Report Result', isSubtle: true, wrap: true, spacing: 'None' },
            { type: 'FactSet', facts: [{ title: 'cluster', value: 'prod' }] },
            {
              type: 'Container', separator: true, spacing: 'Medium',
              items: [
                { type: 'TextBlock', text: 'Policy: require-labels/check-team', weight: 'Bolder', wrap: true },
                { type: 'TextBlock', text: 'label team is required', wrap: true },
                { type: 'FactSet', facts: [
                  { title: 'Status', value: 'fail' }, { title: 'Severity', value: 'high' }, { title: 'Category', value: 'Best Practices' },
                  { title: 'Source', value: 'kyverno' }, { title: 'Kind', value: 'Pod' }, { title: 'Name', value: 'web-0' },
                  { title: 'Namespace', value: 'shop' }, { title: 'API Version', value: 'v1' }, { title: 'version', value: '1.2' },
                ] },
              ],
            },
          ],
        },
      }],
    });
  });

  it('uses a generic title across reports and marks fixed results', () => {
    const a = notification({ scope: { kind: 'Pod', name: 'a' } });
    const b = notification({ fixed: true, report: { name: 'other' } });
    const card = cardOf(formatTeams([a, b]));
    assert.equal(card.body[0]!['text'], 'New Policy Report Results');
    assert.equal(card.body[1]!['text'], 'Received 2 new Policy Report Results');
    assert.equal(card.body[3]!['items'][0].text, 'Fixed: Policy: require-labels/check-team');
  });

  it('stays under the Teams size limit with a full batch of huge results', () => {
    const props = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`prop-${i}`, 'x'.repeat(3000)]));
    const batch = manyNotifications(msteamsTarget.create(msteamsTarget.configSchema.parse({ webhook: 'http://x' }), testDeps()).maxBatch, { message: 'm'.repeat(20_000), properties: props });
    const payload = formatTeams(batch, { a: 'b'.repeat(5000) });
    assert.ok(Buffer.byteLength(JSON.stringify(payload)) <= TEAMS_MAX_BYTES);
    const card = cardOf(payload);
    assert.equal(card.body.length, 3 + batch.length, 'every result is present');
    for (const c of card.body.slice(3)) {
      assert.ok(c['items'][1].text.endsWith('…'));
      assert.equal(c['items'][2].facts.length, TEAMS_MAX_FACTS);
    }
  });

  it('is found under the Policy Reporter key `teams`', () => {
    assert.equal(findTarget('teams'), msteamsTarget);
    assert.equal(findTarget('msteams'), msteamsTarget);
    assert.equal(findTarget('nope'), undefined);
  });
});

describe('msteams send', () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver({ status: 202 }); });
  after(() => receiver.close());

  it('posts the card to the workflow URL', async () => {
    const config = msteamsTarget.configSchema.parse({ webhook: `${receiver.url}/workflows/abc/triggers/manual/paths/invoke?sig=s`, customFields: { c: 'd' } });
    await msteamsTarget.create(config, testDeps()).send([notification()], ctx());
    const req = receiver.requests.at(-1)!;
    assert.deepEqual([req.method, req.path, req.headers['content-type']], ['POST', '/workflows/abc/triggers/manual/paths/invoke?sig=s', 'application/json']);
    assert.deepEqual(receiver.json(), formatTeams([notification()], { c: 'd' }));
  });
});

runTargetContract(msteamsTarget, { config: (url) => ({ webhook: `${url}/hook` }), ok: () => ({ status: 202 }) });

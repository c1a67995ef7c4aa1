import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findTarget, formatGoogleChat, GOOGLE_CHAT_MAX_BYTES, googlechatTarget } from '../src/index.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

const d = (topLabel: string, text: string) => ({ decoratedText: { topLabel, text, wrapText: true } });

describe('googlechat format', () => {
  it('cardsV2 card per result', () => {
    assert.deepEqual(formatGoogleChat(notification({ resultOverrides: { message: 'needs <team> & owner' } }), { cluster: 'prod' }), {
      text: '[HIGH] require-labels: needs <team> & owner',
      cardsV2: [{
        cardId: 'r-1',
        card: {
          header: { title: '[HIGH] require-labels', subtitle: 'shop/Pod/web-0' },
          sections: [
            { widgets: [{ textParagraph: { text: 'needs &lt;team&gt; &amp; owner' } }] },
            { header: 'Details', widgets: [d('Rule', 'check-team'), d('Status', 'fail'), d('Severity', 'high'), d('Category', 'Best Practices'), d('Source', 'kyverno'), d('Kind', 'Pod'), d('Name', 'web-0'), d('Namespace', 'shop'), d('API Version', 'v1')] },
            { header: 'Properties', collapsible: true, uncollapsibleWidgetsCount: 2, widgets: [d('cluster', 'prod'), d('version', '1.2')] },
          ],
        },
      }],
    });
  });

  it('fits the size limit with huge input', () => {
    const props = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, '<'.repeat(5000)]));
    const payload = formatGoogleChat(notification({ resultOverrides: { message: '&'.repeat(50_000), properties: props } }));
    assert.ok(Buffer.byteLength(JSON.stringify(payload)) <= GOOGLE_CHAT_MAX_BYTES);
    const sections = (payload['cardsV2'] as any)[0].card.sections;
    assert.equal(sections[2].widgets.length, 30);
  });

  it('is found under `googleChat`', () => assert.equal(findTarget('googleChat'), googlechatTarget));
});

describe('googlechat send', () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver({ status: 200, body: { name: 'spaces/x/messages/y' } }); });
  after(() => receiver.close());

  it('posts the card to the space webhook', async () => {
    const config = googlechatTarget.configSchema.parse({ webhook: `${receiver.url}/v1/spaces/AAA/messages?key=k&token=t` });
    await googlechatTarget.create(config, testDeps()).send([notification()], ctx());
    const req = receiver.requests.at(-1)!;
    assert.deepEqual([req.method, req.path, req.headers['content-type']], ['POST', '/v1/spaces/AAA/messages?key=k&token=t', 'application/json; charset=UTF-8']);
    assert.deepEqual(receiver.json(), formatGoogleChat(notification()));
  });
});

runTargetContract(googlechatTarget, { config: (url) => ({ webhook: `${url}/v1/spaces/A/messages` }) });

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { escapeMarkdownV2, formatTelegram, SendError, TELEGRAM_MAX_TEXT, telegramTarget } from '../src/index.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, NOW, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

const md = { chatId: '-100', parseMode: 'MarkdownV2' } as const;

describe('telegram format', () => {
  it('escapes every MarkdownV2 special character', () => {
    assert.equal(escapeMarkdownV2('a_b*c[d](e)~f`g>h#i+j-k=l|m{n}o.p!q\\r'), 'a\\_b\\*c\\[d\\]\\(e\\)\\~f\\`g\\>h\\#i\\+j\\-k\\=l\\|m\\{n\\}o\\.p\\!q\\\\r');
  });

  it('MarkdownV2 message', () => {
    assert.deepEqual(formatTelegram(notification(), NOW, { ...md, customFields: { cluster: 'prod' } }), {
      chat_id: '-100', parse_mode: 'MarkdownV2', disable_web_page_preview: true,
      text: [
        '*\\[Docket\\] \\[HIGH\\] require\\-labels*', '',
        '*Resource*: shop/Pod/web\\-0', '*Status*: fail', '*Time*: 2026\\-11\\-18T11:06:40\\.000Z', '*Category*: Best Practices',
        '*Rule*: check\\-team', '*Source*: kyverno', '', '*Message*:', 'label team is required', '',
        '*Properties*', '\\- cluster: prod', '\\- version: 1\\.2',
      ].join('\n'),
    });
  });

  it('HTML mode escapes markup', () => {
    const out = formatTelegram(notification({ resultOverrides: { message: '<b>&' } }), NOW, { chatId: '1', parseMode: 'HTML' });
    assert.equal(out['parse_mode'], 'HTML');
    assert.match(out['text'] as string, /<b>Message<\/b>:\n&lt;b&gt;&amp;/);
  });

  it('cuts a huge message so the text stays within 4096 characters', () => {
    for (const message of ['.'.repeat(10_000), 'x'.repeat(10_000)]) {
      const props = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, '!'.repeat(500)]));
      const text = formatTelegram(notification({ resultOverrides: { message, properties: props } }), NOW, md)['text'] as string;
      assert.ok(text.length <= TELEGRAM_MAX_TEXT, `${text.length}`);
      assert.ok(text.includes('…'));
      assert.ok(!/(^|[^\\])(\\\\)*\\$/.test(text.split('…')[0]!), 'no dangling escape before the ellipsis');
    }
  });
});

describe('telegram send', () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver({ status: 200, body: { ok: true, result: {} } }); });
  after(() => receiver.close());

  it('calls /bot<token>/sendMessage on the configured API host', async () => {
    const config = telegramTarget.configSchema.parse({ token: '123:ABC', chatId: -100, webhook: receiver.url });
    await telegramTarget.create(config, testDeps()).send([notification()], ctx());
    const req = receiver.requests.at(-1)!;
    assert.deepEqual([req.method, req.path, req.headers['content-type']], ['POST', '/bot123:ABC/sendMessage', 'application/json']);
    assert.deepEqual(receiver.json(), formatTelegram(notification(), NOW, md));
  });

  it('429 takes retry_after from the body', async () => {
    receiver.respond({ status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } } });
    const config = telegramTarget.configSchema.parse({ token: 't', chatId: '1', webhook: receiver.url });
    const err = await telegramTarget.create(config, testDeps()).send([notification()], ctx()).catch((e: unknown) => e);
    assert.ok(err instanceof SendError);
    assert.deepEqual([err.retryable, err.retryAfterMs], [true, 7000]);
  });
});

runTargetContract(telegramTarget, { config: (url) => ({ token: 't', chatId: '1', webhook: url }), ok: () => ({ status: 200, body: { ok: true } }) });

describe('telegram worst case', () => {
  it('every field at its longest, all special characters, still within 4096', () => {
    const long = '.'.repeat(5000);
    const n = notification({
      source: long,
      resultOverrides: { policy: long, rule: long, category: long, message: long, properties: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [long + i, long])),
        resources: [{ kind: long, name: long, namespace: long }] },
    });
    for (const parseMode of ['MarkdownV2', 'HTML'] as const) {
      const text = formatTelegram(n, NOW, { chatId: '1', parseMode })['text'] as string;
      assert.ok(text.length <= TELEGRAM_MAX_TEXT, `${parseMode}: ${text.length}`);
    }
  });
});

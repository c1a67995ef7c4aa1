// Every chat/alert formatter's output, for typical, minimal, huge, fixed and full-batch inputs,
// must parse with the service's payload schema (test/support/schemas.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import {
  formatAlertmanager, formatDiscord, formatGoogleChat, formatLoki, formatSlack, formatTeams, formatTelegram, type Notification,
} from '../src/index.ts';
import { manyNotifications, NOW, notification } from './support/fixtures.ts';
import * as schemas from './support/schemas.ts';

const huge = 'ü😀<&>*_'.repeat(3000);
const inputs: Record<string, Notification[]> = {
  typical: [notification()],
  minimal: [{ resultId: 'm', result: { policy: 'p' }, report: { name: 'r' } }],
  fixed: [notification({ fixed: true })],
  huge: [notification({
    scope: { kind: huge, name: huge, namespace: huge },
    resultOverrides: { policy: huge, rule: huge, message: huge, category: huge, properties: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`${huge}${i}`, huge])) },
  })],
  batch: manyNotifications(10),
  whitespace: [notification({ resultOverrides: { message: '   ', rule: ' ', properties: { ' ': ' ' } } })],
};

const formatters: Array<[string, z.ZodType, (b: Notification[]) => unknown]> = [
  ['slack', schemas.slackMessage, (b) => formatSlack(b, { customFields: { cluster: huge } })],
  ['msteams', schemas.teamsMessage, (b) => formatTeams(b, { cluster: huge })],
  ['discord', schemas.discordMessage, (b) => formatDiscord(b, NOW, { cluster: huge })],
  ['googlechat', schemas.googleChatMessage, (b) => formatGoogleChat(b[0]!, { cluster: huge })],
  ['telegram', schemas.telegramMessage, (b) => formatTelegram(b[0]!, NOW, { chatId: '1', parseMode: 'MarkdownV2', customFields: { cluster: huge } })],
  ['alertmanager', schemas.alertmanagerAlerts, (b) => formatAlertmanager(b, NOW, { alertName: 'A', lifetimeMs: 1000, customFields: { 'my.key': 'v' } })],
  ['loki', schemas.lokiPush, (b) => formatLoki(b, NOW, { 'a.b': huge })],
];

for (const [name, schema, format] of formatters) {
  describe(`${name} payloads match the service schema`, () => {
    for (const [label, batch] of Object.entries(inputs)) {
      it(label, () => {
        const result = schema.safeParse(format(batch));
        assert.ok(result.success, result.success ? '' : JSON.stringify(result.error.issues.slice(0, 3)));
      });
    }
  });
}

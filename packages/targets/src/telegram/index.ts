import { z } from 'zod';
import { httpUrlSchema, secret, targetConfigSchema } from '../common-config.ts';
import { joinUrl } from '../http.ts';
import { defineTarget } from '../types.ts';
import { formatTelegram } from './format.ts';
import { postTelegram } from './send.ts';

export const telegramConfigSchema = targetConfigSchema({
  /** Bot token. */
  token: secret(z.string().min(1)),
  chatId: z.union([z.string().min(1), z.number().int()]).transform(String),
  /** Bot API base URL (a proxy); default `https://api.telegram.org`. */
  webhook: httpUrlSchema.optional(),
  /** Default `MarkdownV2`, as Policy Reporter sends. */
  parseMode: z.enum(['MarkdownV2', 'HTML']).optional(),
});
export type TelegramConfig = z.infer<typeof telegramConfigSchema>;

/** Telegram Bot API: one `sendMessage` per result. */
export const telegramTarget = defineTarget<TelegramConfig>({
  type: 'telegram',
  displayName: 'Telegram',
  configSchema: telegramConfigSchema,
  create(config, { name, deps }) {
    const url = joinUrl(config.webhook ?? 'https://api.telegram.org', `/bot${config.token}/sendMessage`);
    const opts = { chatId: config.chatId, parseMode: config.parseMode ?? 'MarkdownV2', ...(config.customFields ? { customFields: config.customFields } : {}) } as const;
    return {
      maxBatch: 1,
      async send(batch, ctx) {
        for (const n of batch) await postTelegram(deps, name, url, config.headers, formatTelegram(n, deps.now(), opts), ctx);
      },
    };
  },
});

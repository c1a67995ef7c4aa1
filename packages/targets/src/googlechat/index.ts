import { z } from 'zod';
import { httpUrlSchema, secret, targetConfigSchema } from '../common-config.ts';
import { defineTarget } from '../types.ts';
import { formatGoogleChat } from './format.ts';
import { postGoogleChat } from './send.ts';

export const googleChatConfigSchema = targetConfigSchema({
  webhook: secret(httpUrlSchema),
});
export type GoogleChatConfig = z.infer<typeof googleChatConfigSchema>;

/** Google Chat incoming webhook: one cardsV2 message per result (Policy Reporter key `googleChat`). */
export const googlechatTarget = defineTarget<GoogleChatConfig>({
  type: 'googlechat',
  displayName: 'GoogleChat',
  aliases: ['googleChat'],
  configSchema: googleChatConfigSchema,
  create(config, { name, deps }) {
    return {
      maxBatch: 1,
      async send(batch, ctx) {
        for (const n of batch) await postGoogleChat(deps, name, config.webhook, config.headers, formatGoogleChat(n, config.customFields), ctx);
      },
    };
  },
});

import { z } from 'zod';
import { httpUrlSchema, secret, targetConfigSchema } from '../common-config.ts';
import { defineTarget } from '../types.ts';
import { DISCORD_LIMITS, formatDiscord } from './format.ts';
import { postDiscord } from './send.ts';

export const discordConfigSchema = targetConfigSchema({
  webhook: secret(httpUrlSchema),
});
export type DiscordConfig = z.infer<typeof discordConfigSchema>;

/** Discord webhook: one message per batch with one embed per result (up to 10). */
export const discordTarget = defineTarget<DiscordConfig>({
  type: 'discord',
  displayName: 'Discord',
  configSchema: discordConfigSchema,
  create(config, { name, deps }) {
    return {
      maxBatch: DISCORD_LIMITS.embeds,
      send: (batch, ctx) => postDiscord(deps, name, config.webhook, config.headers, formatDiscord(batch, deps.now(), config.customFields), ctx),
    };
  },
});

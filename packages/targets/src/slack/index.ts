import { secret, targetConfigSchema, httpUrlSchema } from '../common-config.ts';
import { defineTarget } from '../types.ts';
import { formatSlack, SLACK_MAX_BATCH } from './format.ts';
import { postSlack } from './send.ts';
import { z } from 'zod';

export const slackConfigSchema = targetConfigSchema({
  /** Incoming-webhook URL; it embeds the credential. */
  webhook: secret(httpUrlSchema),
  /** Channel override (legacy webhooks only). */
  channel: z.string().optional(),
});
export type SlackConfig = z.infer<typeof slackConfigSchema>;

/** Slack incoming webhook with a Block Kit message per batch (up to 15 results). */
export const slackTarget = defineTarget<SlackConfig>({
  type: 'slack',
  displayName: 'Slack',
  configSchema: slackConfigSchema,
  create(config, { name, deps }) {
    return {
      maxBatch: SLACK_MAX_BATCH,
      send: (batch, ctx) => postSlack(deps, name, config.webhook, config.headers,
        formatSlack(batch, { ...(config.channel ? { channel: config.channel } : {}), ...(config.customFields ? { customFields: config.customFields } : {}) }), ctx),
    };
  },
});

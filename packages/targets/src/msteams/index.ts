import { z } from 'zod';
import { httpUrlSchema, secret, targetConfigSchema } from '../common-config.ts';
import { defineTarget } from '../types.ts';
import { formatTeams } from './format.ts';
import { postTeams } from './send.ts';

export const teamsConfigSchema = targetConfigSchema({
  /** Workflow (Power Automate) webhook URL; it embeds the signature. */
  webhook: secret(httpUrlSchema),
});
export type TeamsConfig = z.infer<typeof teamsConfigSchema>;

/** Microsoft Teams: one Adaptive Card per batch (Policy Reporter's config key is `teams`). */
export const msteamsTarget = defineTarget<TeamsConfig>({
  type: 'msteams',
  displayName: 'Teams',
  aliases: ['teams'],
  configSchema: teamsConfigSchema,
  create(config, { name, deps }) {
    return {
      maxBatch: 10,
      send: (batch, ctx) => postTeams(deps, name, config.webhook, config.headers, formatTeams(batch, config.customFields), ctx),
    };
  },
});

import { z } from 'zod';
import { goDurationSchema, httpUrlSchema, parseGoDuration, secret, targetConfigSchema } from '../common-config.ts';
import { defineTarget } from '../types.ts';
import { formatHeartbeat, formatWebhook } from './format.ts';
import { postWebhook } from './send.ts';

export const webhookConfigSchema = targetConfigSchema({
  webhook: secret(httpUrlSchema),
  /** Sent as the `Authorization` header (Policy Reporter's secret key `token`). */
  token: secret(z.string()).optional(),
  keepalive: z.strictObject({
    /** Go duration between heartbeats; "0" or absent disables them. */
    interval: goDurationSchema.optional(),
    params: z.record(z.string(), z.string()).optional(),
  }).optional(),
});
export type WebhookConfig = z.infer<typeof webhookConfigSchema>;

/**
 * Generic JSON webhook: one POST per result with the standard result JSON, custom headers and an
 * optional keepalive heartbeat (started by `create`, stopped by `close`).
 */
export const webhookTarget = defineTarget<WebhookConfig>({
  type: 'webhook',
  displayName: 'Webhook',
  configSchema: webhookConfigSchema,
  create(config, { name, deps }) {
    const headers = { ...(config.token ? { authorization: config.token } : {}), ...(config.headers ?? {}) };
    const intervalMs = config.keepalive?.interval ? parseGoDuration(config.keepalive.interval) ?? 0 : 0;
    let timer: NodeJS.Timeout | undefined;
    if (intervalMs > 0) {
      timer = setInterval(() => {
        const body = formatHeartbeat(deps.now(), config.keepalive?.params);
        postWebhook(deps, name, config.webhook, headers, body, { signal: AbortSignal.timeout(Math.min(intervalMs, 30_000)) })
          .catch((err: unknown) => deps.logger.warn({ target: name, err: String(err) }, 'keepalive failed'));
      }, intervalMs);
      // A heartbeat must never keep the process alive on its own.
      timer.unref();
    }
    return {
      maxBatch: 1,
      async send(batch, ctx) {
        for (const n of batch) await postWebhook(deps, name, config.webhook, headers, formatWebhook(n, deps.now(), config.customFields), ctx);
      },
      async close() { if (timer) clearInterval(timer); timer = undefined; },
    };
  },
});

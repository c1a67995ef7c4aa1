import { z } from 'zod';
import { goDurationSchema, httpUrlSchema, parseGoDuration, secret, targetConfigSchema } from '../common-config.ts';
import { joinUrl } from '../http.ts';
import { defineTarget } from '../types.ts';
import { formatAlertmanager } from './format.ts';
import { postAlerts } from './send.ts';

export const alertmanagerConfigSchema = targetConfigSchema({
  host: httpUrlSchema,
  /** Sent as the `Authorization` header. */
  token: secret(z.string()).optional(),
  /** `alertname` label; default `PolicyReporterViolation` so existing routes keep matching. */
  alertName: z.string().min(1).optional(),
  /** How long an alert fires without a re-send (Go duration); default 24h like Policy Reporter. */
  alertLifetime: goDurationSchema.optional(),
});
export type AlertmanagerConfig = z.infer<typeof alertmanagerConfigSchema>;

/**
 * Alertmanager v2 API: one POST per batch; `fixed` notifications resolve the alert (endsAt = now).
 * Policy Reporter's config key is `alertManager`.
 */
export const alertmanagerTarget = defineTarget<AlertmanagerConfig>({
  type: 'alertmanager',
  displayName: 'AlertManager',
  aliases: ['alertManager'],
  resolvesFixed: true,
  configSchema: alertmanagerConfigSchema,
  create(config, { name, deps }) {
    const url = joinUrl(config.host, '/api/v2/alerts');
    const headers = { ...(config.token ? { authorization: config.token } : {}), ...(config.headers ?? {}) };
    const opts = {
      alertName: config.alertName ?? 'PolicyReporterViolation',
      lifetimeMs: parseGoDuration(config.alertLifetime ?? '24h') ?? 86_400_000,
      ...(config.customFields ? { customFields: config.customFields } : {}),
    };
    return {
      maxBatch: 100,
      send: (batch, ctx) => postAlerts(deps, name, url, headers, formatAlertmanager(batch, deps.now(), opts), ctx),
    };
  },
});

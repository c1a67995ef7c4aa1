import { z } from 'zod';
import { httpUrlSchema, secret, targetConfigSchema } from '../common-config.ts';
import { basicAuth, joinUrl } from '../http.ts';
import { defineTarget } from '../types.ts';
import { formatLoki } from './format.ts';
import { postLoki } from './send.ts';

export const lokiConfigSchema = targetConfigSchema({
  host: httpUrlSchema,
  /** Push path; default `/loki/api/v1/push`. */
  path: z.string().startsWith('/').optional(),
  username: z.string().optional(),
  password: secret(z.string()).optional(),
  /** Policy Reporter 2.x name of extra stream labels; merged under `customFields` (which wins). */
  customLabels: z.record(z.string(), z.string()).optional(),
});
export type LokiConfig = z.infer<typeof lokiConfigSchema>;

/** Grafana Loki push API: one push per batch, results grouped into streams by label set. */
export const lokiTarget = defineTarget<LokiConfig>({
  type: 'loki',
  displayName: 'Loki',
  configSchema: lokiConfigSchema,
  create(config, { name, deps }) {
    const url = joinUrl(config.host, config.path ?? '/loki/api/v1/push');
    const headers = {
      ...(config.username ? { authorization: basicAuth(config.username, config.password ?? '') } : {}),
      ...(config.headers ?? {}),
    };
    const labels = config.customLabels ? { ...config.customLabels, ...config.customFields } : config.customFields;
    return {
      maxBatch: 500,
      send: (batch, ctx) => postLoki(deps, name, url, headers, formatLoki(batch, deps.now(), labels), ctx),
    };
  },
});

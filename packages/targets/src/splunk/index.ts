import { z } from 'zod';
import { httpUrlSchema, secret, targetConfigSchema } from '../common-config.ts';
import { joinUrl } from '../http.ts';
import { defineTarget } from '../types.ts';
import { formatSplunk } from './format.ts';
import { postSplunk } from './send.ts';

export const splunkConfigSchema = targetConfigSchema({
  /** HEC base URL (`https://splunk:8088`); a URL already ending in `/services/collector…` is used as is. */
  host: httpUrlSchema,
  /** HEC token, sent as `Authorization: Splunk <token>`. */
  token: secret(z.string().min(1)),
  index: z.string().min(1).optional(),
  /** Default `Policy-Reporter`, so existing searches keep matching. */
  sourcetype: z.string().min(1).optional(),
});
export type SplunkConfig = z.infer<typeof splunkConfigSchema>;

/** Splunk HTTP Event Collector: one request per batch with one event per result. */
export const splunkTarget = defineTarget<SplunkConfig>({
  type: 'splunk',
  displayName: 'Splunk',
  configSchema: splunkConfigSchema,
  create(config, { name, deps }) {
    const url = /\/services\/collector/.test(config.host) ? config.host : joinUrl(config.host, '/services/collector/event');
    const headers = { authorization: `Splunk ${config.token}`, ...(config.headers ?? {}) };
    const opts = {
      sourcetype: config.sourcetype ?? 'Policy-Reporter',
      ...(config.index ? { index: config.index } : {}),
      ...(config.customFields ? { customFields: config.customFields } : {}),
    };
    return {
      maxBatch: 200,
      send: (batch, ctx) => postSplunk(deps, name, url, headers, formatSplunk(batch, deps.now(), opts), ctx),
    };
  },
});

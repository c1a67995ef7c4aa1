import { z } from 'zod';
import { httpUrlSchema, secret, targetConfigSchema } from '../common-config.ts';
import { basicAuth, joinUrl } from '../http.ts';
import { defineTarget } from '../types.ts';
import { formatBulk, formatDocument, indexName } from './format.ts';
import { postBulk, putDocument } from './send.ts';

export const elasticsearchConfigSchema = targetConfigSchema({
  host: httpUrlSchema,
  /** Index base name; default `policy-reporter`. */
  index: z.string().min(1).optional(),
  /** Default `daily`. */
  rotation: z.enum(['daily', 'monthly', 'annually', 'none']).optional(),
  /** true: `_doc` (ES 7+, OpenSearch); false: legacy `event` type (ES 6). Default true. */
  typelessApi: z.boolean().optional(),
  username: z.string().optional(),
  password: secret(z.string()).optional(),
  /** Encoded API key, sent as `Authorization: ApiKey <apiKey>`; wins over basic auth. */
  apiKey: secret(z.string()).optional(),
  /** Send batches through `_bulk` (default true); false sends one document per request. */
  bulk: z.boolean().optional(),
});
export type ElasticsearchConfig = z.infer<typeof elasticsearchConfigSchema>;

/** Elasticsearch / OpenSearch: documents keyed by resultId in a rotated index, `_bulk` or single. */
export const elasticsearchTarget = defineTarget<ElasticsearchConfig>({
  type: 'elasticsearch',
  displayName: 'Elasticsearch',
  aliases: ['elasticSearch'],
  configSchema: elasticsearchConfigSchema,
  create(config, { name, deps }) {
    const headers: Record<string, string> = {
      ...(config.apiKey ? { authorization: `ApiKey ${config.apiKey}` }
        : config.username ? { authorization: basicAuth(config.username, config.password ?? '') } : {}),
      ...(config.headers ?? {}),
    };
    const bulk = config.bulk ?? true;
    const index = () => indexName(config.index ?? 'policy-reporter', config.rotation ?? 'daily', deps.now());
    return {
      maxBatch: bulk ? 200 : 1,
      async send(batch, ctx) {
        if (bulk) {
          const body = formatBulk(batch, index(), deps.now(), config.customFields);
          return postBulk(deps, name, joinUrl(config.host, '/_bulk'), headers, body, batch.map((n) => n.resultId), ctx);
        }
        const type = config.typelessApi === false ? 'event' : '_doc';
        for (const n of batch) {
          const url = joinUrl(config.host, `/${encodeURIComponent(index())}/${type}/${encodeURIComponent(n.resultId)}`);
          await putDocument(deps, name, url, headers, formatDocument(n, deps.now(), config.customFields), ctx);
        }
      },
    };
  },
});

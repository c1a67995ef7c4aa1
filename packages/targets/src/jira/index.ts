import { z } from 'zod';
import { httpUrlSchema, secret, targetConfigSchema } from '../common-config.ts';
import { basicAuth } from '../http.ts';
import { defineTarget } from '../types.ts';
import { dedupJql, formatIssue } from './format.ts';
import { createIssue, findIssueKey } from './send.ts';

export const jiraConfigSchema = targetConfigSchema({
  host: httpUrlSchema,
  username: z.string().optional(),
  password: secret(z.string()).optional(),
  apiToken: secret(z.string()).optional(),
  projectKey: z.string().min(1),
  /** Default `Task`. */
  issueType: z.string().min(1).optional(),
  /** Default `v3` (Cloud); `v2` for Server/Data Center. */
  apiVersion: z.enum(['v2', 'v3']).optional(),
  labels: z.array(z.string()).optional(),
  components: z.array(z.string()).optional(),
  /** Summary with `{{ policy }}`, `{{ resource }}`, `{{ severity }}`… (also `{{ .result.policy }}`). */
  summaryTemplate: z.string().min(1).optional(),
});
export type JiraConfig = z.infer<typeof jiraConfigSchema>;

/**
 * Jira: one issue per result, deduplicated by a `docket-result-<id>` label looked up before each
 * create, so a retry after a lost response does not open a second issue. Fixed results are not
 * sent (issues are closed by people, not by Docket).
 */
export const jiraTarget = defineTarget<JiraConfig>({
  type: 'jira',
  displayName: 'Jira',
  configSchema: jiraConfigSchema,
  create(config, { name, deps }) {
    const secretValue = config.apiToken ?? config.password;
    const auth = config.username ? basicAuth(config.username, secretValue ?? '') : secretValue ? `Bearer ${secretValue}` : undefined;
    const connection = {
      host: config.host,
      apiVersion: config.apiVersion ?? 'v3',
      headers: { ...(auth ? { authorization: auth } : {}), ...(config.headers ?? {}) },
    } as const;
    const opts = {
      projectKey: config.projectKey, issueType: config.issueType ?? 'Task', apiVersion: connection.apiVersion,
      ...(config.labels ? { labels: config.labels } : {}), ...(config.components ? { components: config.components } : {}),
      ...(config.summaryTemplate ? { summaryTemplate: config.summaryTemplate } : {}),
      ...(config.customFields ? { customFields: config.customFields } : {}),
    };
    return {
      maxBatch: 1,
      async send(batch, ctx) {
        for (const n of batch) {
          if (n.fixed) continue;
          const existing = await findIssueKey(deps, name, connection, dedupJql(config.projectKey, n.resultId), ctx);
          if (existing) {
            deps.logger.debug({ target: name, resultId: n.resultId, issue: existing }, 'issue already exists');
            continue;
          }
          await createIssue(deps, name, connection, formatIssue(n, opts), ctx);
        }
      },
    };
  },
});

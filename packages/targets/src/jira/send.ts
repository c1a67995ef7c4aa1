import { joinUrl, request } from '../http.ts';
import { SendError } from '../send-error.ts';
import type { SendContext, TargetDeps } from '../types.ts';

export interface JiraConnection {
  host: string;
  apiVersion: 'v2' | 'v3';
  headers: Record<string, string>;
}

const apiBase = (c: JiraConnection) => joinUrl(c.host, `/rest/api/${c.apiVersion === 'v3' ? '3' : '2'}`);

/**
 * Finds an issue by JQL. Cloud (v3) uses the enhanced `/search/jql` endpoint (the old `/search`
 * is being removed there); Server/Data Center (v2) uses `/search`.
 */
export async function findIssueKey(deps: TargetDeps, name: string, c: JiraConnection, jql: string, ctx: SendContext): Promise<string | undefined> {
  const path = c.apiVersion === 'v3' ? '/search/jql' : '/search';
  const url = `${apiBase(c)}${path}?${new URLSearchParams({ jql, maxResults: '1', fields: 'key' })}`;
  const res = await request(deps, name, { method: 'GET', url, headers: { accept: 'application/json', ...c.headers } }, ctx);
  try {
    const body = JSON.parse(res.text) as { issues?: Array<{ key?: string }> };
    return body.issues?.[0]?.key;
  } catch {
    throw new SendError(`${name}: search answered ${res.status} with a body that is not JSON`, { retryable: true, status: res.status });
  }
}

/** Creates an issue; Jira answers 201 `{id, key, self}`. */
export async function createIssue(deps: TargetDeps, name: string, c: JiraConnection, body: object, ctx: SendContext): Promise<void> {
  await request(deps, name, { url: `${apiBase(c)}/issue`, body, headers: { accept: 'application/json', ...c.headers } }, ctx);
}

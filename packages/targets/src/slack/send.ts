import { request } from '../http.ts';
import type { SendContext, TargetDeps } from '../types.ts';

/** Posts one message to a Slack incoming webhook (answers 200 "ok"; 4xx bodies name the problem). */
export async function postSlack(deps: TargetDeps, name: string, webhook: string, headers: Record<string, string> | undefined, payload: object, ctx: SendContext): Promise<void> {
  await request(deps, name, { url: webhook, body: payload, ...(headers ? { headers } : {}) }, ctx);
}

import { request } from '../http.ts';
import type { SendContext, TargetDeps } from '../types.ts';

/** Posts the card message; workflow webhooks answer 202 Accepted, classic connectors 200 "1". */
export async function postTeams(deps: TargetDeps, name: string, webhook: string, headers: Record<string, string> | undefined, payload: object, ctx: SendContext): Promise<void> {
  await request(deps, name, { url: webhook, body: payload, ...(headers ? { headers } : {}) }, ctx);
}

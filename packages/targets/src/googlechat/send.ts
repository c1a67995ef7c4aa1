import { request } from '../http.ts';
import type { SendContext, TargetDeps } from '../types.ts';

/** Posts to a Chat space incoming webhook (the URL carries key and token). */
export async function postGoogleChat(deps: TargetDeps, name: string, webhook: string, headers: Record<string, string> | undefined, payload: object, ctx: SendContext): Promise<void> {
  await request(deps, name, { url: webhook, body: payload, contentType: 'application/json; charset=UTF-8', ...(headers ? { headers } : {}) }, ctx);
}

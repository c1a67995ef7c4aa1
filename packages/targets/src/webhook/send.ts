import { request } from '../http.ts';
import type { SendContext, TargetDeps } from '../types.ts';

/** POSTs one JSON document to the webhook URL. */
export async function postWebhook(deps: TargetDeps, name: string, url: string, headers: Record<string, string> | undefined, body: object, ctx: SendContext): Promise<void> {
  await request(deps, name, { url, body, ...(headers ? { headers } : {}) }, ctx);
}

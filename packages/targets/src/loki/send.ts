import { request } from '../http.ts';
import type { SendContext, TargetDeps } from '../types.ts';

/** POSTs a push body; Loki answers 204 No Content on success. */
export async function postLoki(deps: TargetDeps, name: string, url: string, headers: Record<string, string>, body: object, ctx: SendContext): Promise<void> {
  await request(deps, name, { url, body, headers }, ctx);
}

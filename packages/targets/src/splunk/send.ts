import { request } from '../http.ts';
import type { SendContext, TargetDeps } from '../types.ts';

/** Posts to HEC; 200 `{"text":"Success","code":0}`, 503 when the indexer queue is full (retryable). */
export async function postSplunk(deps: TargetDeps, name: string, url: string, headers: Record<string, string>, body: string, ctx: SendContext): Promise<void> {
  await request(deps, name, { url, body, headers, contentType: 'application/json' }, ctx);
}

import { request } from '../http.ts';
import { SendError } from '../send-error.ts';
import type { SendContext, TargetDeps } from '../types.ts';

/**
 * Executes the webhook; Discord answers 204. On 429 the JSON body's `retry_after` (seconds,
 * fractional) is more precise than the header, so it wins when present.
 */
export async function postDiscord(deps: TargetDeps, name: string, webhook: string, headers: Record<string, string> | undefined, payload: object, ctx: SendContext): Promise<void> {
  try {
    await request(deps, name, { url: webhook, body: payload, ...(headers ? { headers } : {}) }, ctx);
  } catch (err) {
    if (err instanceof SendError && err.status === 429) {
      const match = /"retry_after"\s*:\s*([\d.]+)/.exec(err.message);
      if (match) throw new SendError(err.message, { retryable: true, status: 429, retryAfterMs: Math.ceil(Number(match[1]) * 1000) });
    }
    throw err;
  }
}

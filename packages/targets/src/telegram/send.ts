import { request } from '../http.ts';
import { SendError } from '../send-error.ts';
import type { SendContext, TargetDeps } from '../types.ts';

/**
 * Calls `sendMessage`. Telegram reports rate limits as 429 with `parameters.retry_after` (seconds)
 * in the JSON body rather than a header, so that value is lifted into the SendError.
 */
export async function postTelegram(deps: TargetDeps, name: string, url: string, headers: Record<string, string> | undefined, body: object, ctx: SendContext): Promise<void> {
  try {
    await request(deps, name, { url, body, ...(headers ? { headers } : {}) }, ctx);
  } catch (err) {
    if (err instanceof SendError && err.status === 429 && err.retryAfterMs === undefined) {
      const match = /"retry_after"\s*:\s*(\d+)/.exec(err.message);
      if (match) throw new SendError(err.message, { retryable: true, status: 429, retryAfterMs: Number(match[1]) * 1000 });
    }
    throw err;
  }
}

import { request } from '../http.ts';
import { isRetryableStatus, SendError } from '../send-error.ts';
import type { SendContext, TargetDeps } from '../types.ts';

interface BulkItem { status: number; _id?: string; error?: { type?: string; reason?: string } }

/** PUTs one document under its id (idempotent). */
export async function putDocument(deps: TargetDeps, name: string, url: string, headers: Record<string, string>, doc: object, ctx: SendContext): Promise<void> {
  await request(deps, name, { method: 'PUT', url, body: doc, headers }, ctx);
}

/**
 * Sends a `_bulk` request. The API answers 200 even when items fail, so the per-item statuses are
 * checked: any failure becomes a SendError naming the failed ids, retryable when every failed
 * item was (429/5xx).
 */
export async function postBulk(deps: TargetDeps, name: string, url: string, headers: Record<string, string>, body: string, ids: readonly string[], ctx: SendContext): Promise<void> {
  const res = await request(deps, name, { url, body, headers, contentType: 'application/x-ndjson' }, ctx);
  let parsed: { errors?: boolean; items?: Array<Record<string, BulkItem>> };
  try {
    parsed = JSON.parse(res.text) as typeof parsed;
  } catch {
    throw new SendError(`${name}: _bulk answered ${res.status} with a body that is not JSON`, { retryable: true, status: res.status });
  }
  if (!parsed.errors) return;
  const failed: Array<{ id: string; item: BulkItem }> = [];
  (parsed.items ?? []).forEach((entry, i) => {
    const item = Object.values(entry)[0];
    if (item && (item.status < 200 || item.status > 299)) failed.push({ id: item._id ?? ids[i] ?? '', item });
  });
  if (failed.length === 0) return;
  const first = failed[0]!.item;
  throw new SendError(`${name}: ${failed.length} of ${ids.length} bulk items failed, first: ${first.status} ${first.error?.type ?? ''} ${first.error?.reason ?? ''}`.trim(), {
    retryable: failed.every((f) => isRetryableStatus(f.item.status)),
    status: first.status,
    failedResultIds: failed.map((f) => f.id),
  });
}

import { toResultJson } from '../text.ts';
import type { Notification } from '../types.ts';

export type Rotation = 'daily' | 'monthly' | 'annually' | 'none';

/** Index name with Policy Reporter's rotation suffix (`-YYYY.MM.DD`, `-YYYY.MM`, `-YYYY`), in UTC. */
export function indexName(base: string, rotation: Rotation, nowMs: number): string {
  const d = new Date(nowMs);
  const y = String(d.getUTCFullYear());
  const m = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  switch (rotation) {
    case 'daily': return `${base}-${y}.${m}.${day}`;
    case 'monthly': return `${base}-${y}.${m}`;
    case 'annually': return `${base}-${y}`;
    case 'none': return base;
  }
}

/** The document stored for one result. */
export function formatDocument(n: Notification, nowMs: number, customFields?: Record<string, string>): Record<string, unknown> {
  return toResultJson(n, nowMs, customFields);
}

/**
 * `_bulk` NDJSON body (https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html):
 * an `index` action per result with `_id` = resultId, so a retried batch overwrites instead of
 * duplicating. Ends with the newline the API requires.
 */
export function formatBulk(batch: readonly Notification[], index: string, nowMs: number, customFields?: Record<string, string>): string {
  return batch.map((n) => `${JSON.stringify({ index: { _index: index, _id: n.resultId } })}\n${JSON.stringify(formatDocument(n, nowMs, customFields))}\n`).join('');
}

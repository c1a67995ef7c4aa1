import { toResultJson } from '../text.ts';
import type { Notification } from '../types.ts';

export interface SplunkFormatOptions {
  sourcetype: string;
  index?: string;
  customFields?: Record<string, string>;
}

/**
 * HEC event body: one JSON object per result, concatenated (HEC accepts several events in one
 * request without separators; newlines keep it readable).
 * https://docs.splunk.com/Documentation/Splunk/latest/Data/FormateventsforHTTPEventCollector
 */
export function formatSplunk(batch: readonly Notification[], nowMs: number, opts: SplunkFormatOptions): string {
  return batch.map((n) => {
    const ts = n.result.timestamp;
    const time = ts ? ts.seconds + Math.floor(ts.nanos / 1e6) / 1000 : nowMs / 1000;
    return JSON.stringify({
      time,
      sourcetype: opts.sourcetype,
      ...(opts.index ? { index: opts.index } : {}),
      event: toResultJson(n, nowMs, opts.customFields),
    });
  }).join('\n');
}

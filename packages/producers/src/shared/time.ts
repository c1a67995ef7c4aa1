import type { Timestamp } from '@docket/model';

const NANOS_PER_SECOND = 1_000_000_000;

/**
 * Builds a result timestamp from epoch seconds and nanos, normalising carries so `nanos` is
 * always 0..999 999 999 (every adapter documented in reference/producers.md got this wrong).
 * Returns undefined for values that are not finite, negative, or beyond the safe integer range.
 */
export function toTimestamp(seconds: number | string | bigint, nanos: number | string = 0): Timestamp | undefined {
  const s = Number(seconds);
  const n = Number(nanos);
  if (!Number.isInteger(s) || !Number.isInteger(n) || s < 0 || !Number.isSafeInteger(s)) return undefined;
  const carry = Math.floor(n / NANOS_PER_SECOND);
  const out = { seconds: s + carry, nanos: n - carry * NANOS_PER_SECOND };
  return out.seconds < 0 ? undefined : out;
}

export function timestampFromMillis(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1_000_000) };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9})\d*)?(Z|z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses an RFC 3339 time keeping all nine fractional digits (Date would cut them to
 * milliseconds). Falco and Hubble's JSON carry nanosecond times.
 */
export function parseRfc3339(text: string): Timestamp | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return toTimestamp(ms / 1000, Number(frac.padEnd(9, '0')));
}

/** A protobuf Timestamp as proto-loader yields it (longs as strings) or as protojson text. */
export function timestampOf(value: unknown): Timestamp | undefined {
  if (typeof value === 'string') return parseRfc3339(value);
  if (typeof value === 'object' && value !== null) {
    const v = value as { seconds?: unknown; nanos?: unknown };
    if (typeof v.seconds !== 'string' && typeof v.seconds !== 'number') return undefined;
    const nanos = v.nanos ?? 0;
    if (typeof nanos !== 'number' || nanos < 0 || nanos >= NANOS_PER_SECOND) return undefined;
    return toTimestamp(v.seconds, nanos);
  }
  return undefined;
}

/** Orders two timestamps: negative, zero or positive. */
export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}

/** RFC 3339 with nanoseconds, for properties such as firstSeen/lastSeen. */
export function formatTimestamp(t: Timestamp): string {
  const base = new Date(t.seconds * 1000).toISOString().slice(0, 19);
  return t.nanos === 0 ? `${base}Z` : `${base}.${String(t.nanos).padStart(9, '0').replace(/0+$/, '')}Z`;
}

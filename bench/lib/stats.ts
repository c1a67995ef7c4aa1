/** Pure numeric helpers for the benchmark figures. */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; 0 for an empty list. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? 0;
}

/** Rounds to `digits` decimals so the JSON line stays readable. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Bytes to MiB, rounded to one decimal. */
export function toMb(bytes: number): number {
  return round(bytes / (1024 * 1024), 1);
}

/** Latency summary of one load phase. */
export interface PhaseFigures {
  count: number;
  ms: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** Builds a phase summary from per-request latencies (ms) and the wall time of the phase (ms). */
export function toPhaseFigures(latencies: readonly number[], wallMs: number): PhaseFigures {
  return {
    count: latencies.length,
    ms: Math.round(wallMs),
    perSec: wallMs > 0 ? Math.round((latencies.length * 1000) / wallMs) : 0,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

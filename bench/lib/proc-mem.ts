/**
 * Memory of a child process from /proc (Linux): VmHWM is the kernel's peak resident set size,
 * and writing "5" to /proc/PID/clear_refs resets that peak to the current RSS, so a phase
 * (e.g. listing) can get its own peak.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Pure: a `Vm*:   123 kB` field of /proc/PID/status in bytes, or undefined. */
export function parseStatusKb(status: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : undefined;
}

function readStatus(pid: number): string {
  return readFileSync(`/proc/${pid}/status`, 'utf8');
}

/** Peak RSS (VmHWM) in bytes since start or the last `resetPeakRss`. */
export function peakRss(pid: number): number {
  const v = parseStatusKb(readStatus(pid), 'VmHWM');
  if (v === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return v;
}

/** Current RSS (VmRSS) in bytes. */
export function currentRss(pid: number): number {
  const v = parseStatusKb(readStatus(pid), 'VmRSS');
  if (v === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return v;
}

/**
 * Resets the peak to the current RSS. Returns false when the kernel refuses (then callers fall
 * back to sampling, see `createRssSampler`).
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every `intervalMs` as a fallback/cross-check for the kernel's peak. */
export function createRssSampler(pid: number, intervalMs = 20): { stop(): number } {
  let max = 0;
  const sample = (): void => {
    try {
      max = Math.max(max, currentRss(pid));
    } catch {
      /* process gone: keep what we have */
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return max;
    },
  };
}

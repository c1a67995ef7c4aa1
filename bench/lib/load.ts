/** A fixed-concurrency load runner shared by the HTTP halves and the in-process store variant. */

/**
 * Runs `task(i)` for i in 0..count-1 with exactly `concurrency` workers pulling the next index,
 * and records each task's latency in ms. The first failure stops the run and is rethrown.
 */
export async function runConcurrent(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  onProgress?: (done: number) => void,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies = new Array<number>(count);
  let next = 0;
  let done = 0;
  let failed: unknown;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (failed === undefined) {
      const i = next++;
      if (i >= count) return;
      const t0 = performance.now();
      try {
        await task(i);
      } catch (err) {
        failed ??= err;
        return;
      }
      latencies[i] = performance.now() - t0;
      done++;
      if (onProgress && done % 10000 === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failed !== undefined) throw failed;
  return { latencies, wallMs: performance.now() - started };
}

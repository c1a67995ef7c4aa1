/**
 * Child entry point of bench:store (run as `node --import tsx first-page-probe.ts URL PATH LIMIT REQUESTS ACCEPT`):
 * times first-page requests from a fresh, small process, as a user's kubectl would, with the same
 * `firstPageLatency` the bench process uses. The bench process holds every generated report and the
 * garbage of a 100k-object list, and its own GC pauses must not count as server latency.
 * Prints the PhaseFigures as one JSON line; exits 1 on a failed request, 2 on bad arguments.
 */
import { createHttpClient } from './http-client.ts';
import { firstPageLatency } from './docket-list.ts';

const [url, path, limit, requests, accept] = process.argv.slice(2);
const [l, n] = [Number(limit), Number(requests)];
if (!url || !path || !accept || !Number.isInteger(l) || l <= 0 || !Number.isInteger(n) || n <= 0) {
  process.stderr.write('usage: node --import tsx first-page-probe.ts URL PATH LIMIT REQUESTS ACCEPT\n');
  process.exit(2);
}
const http = createHttpClient(url, 1);
try {
  process.stdout.write(`${JSON.stringify(await firstPageLatency(http, path, l, n, accept))}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  http.close();
}

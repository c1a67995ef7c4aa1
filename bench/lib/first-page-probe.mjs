// First-page latency from a fresh, small client process, as a user's kubectl would see it: the
// bench process itself holds every generated report and the garbage of a 100k-object list, and its
// own GC pauses must not be counted as server latency. Plain JS, node:http only.
// Usage: node first-page-probe.mjs URL PATH REQUESTS ACCEPT
// Prints one JSON line: {"latenciesMs":[...],"wallMs":N}. Exits 1 on any non-200 answer.
import { Agent, request } from 'node:http';

const [url, path, requests, accept] = process.argv.slice(2);
const n = Number(requests);
if (!url || !path || !Number.isInteger(n) || n <= 0 || !accept) {
  process.stderr.write('usage: node first-page-probe.mjs URL PATH REQUESTS ACCEPT\n');
  process.exit(2);
}
const base = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get() {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: base.hostname, port: base.port, method: 'GET', path, headers: { accept } }, (res) => {
      let bytes = 0;
      res.on('data', (c) => { bytes += c.length; });
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`GET ${path}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const latenciesMs = [];
const started = performance.now();
try {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await get();
    latenciesMs.push(performance.now() - t0);
  }
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
agent.destroy();
process.stdout.write(`${JSON.stringify({ latenciesMs, wallMs: performance.now() - started })}\n`);

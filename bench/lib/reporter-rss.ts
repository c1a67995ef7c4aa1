/**
 * bench:reporter part 2, run as its own process (`node --expose-gc --import tsx`): a store holding
 * N results, the pipeline's change feed primed over all of them (the tracker then holds every
 * notifiable result), and the process's RSS measured. Prints one JSON line on stdout.
 * Usage: reporter-rss.ts populate|feed DIR REPORTS RESULTS_PER_REPORT — `populate` writes the store
 * (its own process, so the writer's memory is not counted), `feed` primes the pipeline over it.
 */
import { join } from 'node:path';
import { decodeReport, findResource } from '@docket/model';
import { openDeliveryStore, openStore } from '@docket/store';
// The pipeline's own modules, not the package barrel: the barrel also loads config, metrics and
// targets (zod schemas, prom-client, client-node), which tsx would transpile into this process.
import { cursorName, runFeed } from '../../packages/reporter/src/pipeline/feed.ts';
import { compileTargets } from '../../packages/reporter/src/pipeline/targets.ts';

const [mode, dir, reportsArg, resultsArg] = process.argv.slice(2);
const reports = Number(reportsArg);
const perReport = Number(resultsArg);
const log = (m: string) => process.stderr.write(`[bench:reporter rss] ${m}\n`);
const POLR = findResource('wgpolicyk8s.io', 'v1alpha2', 'policyreports')!;

const url = `sqlite:${join(dir!, 'rss.db')}?synchronous=NORMAL`;
const store = await openStore(url);
const t0 = Date.now();
if (mode === 'populate') {
for (let r = 0; r < reports; r += 200) {
  const writes: Array<Promise<unknown>> = [];
  for (let k = r; k < Math.min(reports, r + 200); k++) {
    const body = {
      apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name: `r${k}`, namespace: `ns-${k % 100}` },
      results: Array.from({ length: perReport }, (_, i) => ({ policy: `p${i % 50}`, rule: `rule-${k}-${i}`, result: 'fail', source: 'bench', severity: 'high' })),
    };
    const { object } = decodeReport(body, { resource: POLR, version: 'v1alpha2' }, { fieldValidation: 'Ignore' });
    writes.push(store.create({ group: 'wgpolicyk8s.io', resource: 'policyreports', namespace: `ns-${k % 100}`, name: `r${k}` }, object));
  }
  await Promise.all(writes);
  if ((r / 200) % 10 === 0) log(`stored ${Math.min(reports, r + 200)}/${reports} reports`);
}
await store.close();
process.stdout.write(`${JSON.stringify({ storeWriteSeconds: (Date.now() - t0) / 1000 })}\n`);
process.exit(0);
}
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const baseline = process.memoryUsage().rss;
const outbox = await openDeliveryStore(url);
const ac = new AbortController();
const ref = { group: 'wgpolicyk8s.io', resource: 'policyreports' };
const t1 = Date.now();
const feed = runFeed({ name: 'default', store, outbox, targets: compileTargets([{ name: 'skip' }]), resources: [ref], pageSize: 200 }, ac.signal);
while ((await outbox.readCursor(cursorName('default', ref))) === undefined) await new Promise((r) => setTimeout(r, 100));
const primeMs = Date.now() - t1;
gc?.();
const held = process.memoryUsage();
ac.abort();
await feed;
await outbox.close();
await store.close();
process.stdout.write(`${JSON.stringify({
  resultsHeld: reports * perReport, primeSeconds: primeMs / 1000,
  rssBeforeFeedMb: Math.round(baseline / 1048576), pipelineRssMb: Math.round((held.rss - baseline) / 1048576), rssHeldMb: Math.round(held.rss / 1048576), heapUsedMb: Math.round(held.heapUsed / 1048576),
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
})}\n`);

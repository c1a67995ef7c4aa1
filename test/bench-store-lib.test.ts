// Pure helpers of bench/store.ts: percentiles, the rewrite document, request bodies for etcd and
// Docket, argument parsing, the startup-line parser and the targets in the summary line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile, toPhaseFigures } from '../bench/lib/stats.ts';
import { toRewrite, toUniqueName } from '../bench/lib/reports.ts';
import { toEtcdKey, toPutBody } from '../bench/lib/etcd.ts';
import { withResourceVersion, toCollectionPath } from '../bench/lib/docket.ts';
import { parseListeningUrl } from '../bench/lib/docket-server.ts';
import { parseBenchArgs, toBenchPlan } from '../bench/lib/args.ts';
import { parseStatusKb } from '../bench/lib/proc-mem.ts';
import { toSummary } from '../bench/lib/summary.ts';
import type { EtcdFigures } from '../bench/lib/etcd.ts';
import type { DocketFigures } from '../bench/lib/docket.ts';
import { startFloorServer, type FloorFigures } from '../bench/lib/floor.ts';
import { createCleanup } from '../bench/lib/cleanup.ts';
import { createHttpClient } from '../bench/lib/http-client.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('percentile uses nearest rank', () => {
  const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 99), 99);
  assert.equal(percentile(xs, 100), 100);
  assert.equal(percentile([], 50), 0);
  assert.deepEqual(toPhaseFigures([10, 20], 1000), { count: 2, ms: 1000, perSec: 2, p50Ms: 10, p99Ms: 20 });
});

test('toRewrite flips the first result, keeps the summary consistent and adds a label', () => {
  const report = {
    metadata: { name: 'r', namespace: 'ns', labels: { a: 'b' } },
    summary: { pass: 2, fail: 0 },
    results: [{ result: 'pass' }, { result: 'pass' }],
  };
  const out = toRewrite(report);
  assert.deepEqual(out.results, [{ result: 'fail' }, { result: 'pass' }]);
  assert.deepEqual(out.summary, { pass: 1, fail: 1 });
  assert.deepEqual(out.metadata.labels, { a: 'b', 'bench.docket.dev/rewrite': '1' });
  assert.equal(report.results[0]!.result, 'pass', 'input is not mutated');
});

test('toUniqueName suffixes repeated names per namespace only', () => {
  const seen = new Set<string>();
  assert.equal(toUniqueName('a', 'x', 0, seen), 'x');
  assert.equal(toUniqueName('b', 'x', 1, seen), 'x');
  assert.equal(toUniqueName('a', 'x', 35, seen), 'x-z');
  assert.equal(toUniqueName('a', 'x', 36, seen), 'x-10');
});

test('etcd put body is base64 key and value under the kube registry prefix', () => {
  const key = toEtcdKey('wgpolicyk8s.io', 'policyreports', 'ns', 'n');
  assert.equal(key, '/registry/wgpolicyk8s.io/policyreports/ns/n');
  const body = JSON.parse(toPutBody(key, Buffer.from('{"a":1}'))) as { key: string; value: string };
  assert.equal(Buffer.from(body.key, 'base64').toString(), key);
  assert.equal(Buffer.from(body.value, 'base64').toString(), '{"a":1}');
});

test('withResourceVersion inserts metadata.resourceVersion and keeps valid JSON', () => {
  const doc = Buffer.from('{"kind":"PolicyReport","metadata":{"name":"x"},"results":[]}');
  const out = JSON.parse(withResourceVersion(doc, '42').toString()) as { metadata: Record<string, string> };
  assert.deepEqual(out.metadata, { resourceVersion: '42', name: 'x' });
  assert.throws(() => withResourceVersion(Buffer.from('{}'), '1'), /no metadata/);
  assert.equal(toCollectionPath('team-1'), '/apis/wgpolicyk8s.io/v1alpha2/namespaces/team-1/policyreports');
});

test('parseListeningUrl reads the serve startup line', () => {
  assert.equal(parseListeningUrl('Docket API server listening on http://127.0.0.1:4123 (store: sqlite x)\n'), 'http://127.0.0.1:4123');
  assert.equal(parseListeningUrl('starting\n'), undefined);
});

test('parseBenchArgs defaults, quick mode and errors', () => {
  assert.deepEqual(parseBenchArgs([]), {
    reports: 100000, writers: 16, store: 'sqlite', pageSize: 500, firstPageRequests: 200, only: undefined, cpuProfDir: undefined,
    historyRetentionS: 300, skipRetentionWait: false, skipFloor: false, help: false,
  });
  assert.equal(parseBenchArgs(['--history-retention-s', '60']).historyRetentionS, 60);
  assert.equal(parseBenchArgs(['--skip-retention-wait']).skipRetentionWait, true);
  assert.equal(parseBenchArgs(['--quick']).reports, 10000);
  assert.equal(parseBenchArgs(['--quick', '--reports', '7']).reports, 7);
  assert.equal(parseBenchArgs(['--store', 'postgres://u@h/db']).store, 'postgres://u@h/db');
  assert.throws(() => parseBenchArgs(['--writers', '0']), /positive integer/);
  assert.throws(() => parseBenchArgs(['--store', 'mysql://x']), /--store/);
  assert.throws(() => parseBenchArgs(['--nope']));
  assert.throws(() => parseBenchArgs(['--only', 'etcdd']), /--only must be etcd, docket or floor/);
});

test('the HTTP floor runs with both halves, alone with --only floor, and never with one half', () => {
  assert.deepEqual(toBenchPlan(parseBenchArgs([])), { etcd: true, docket: true, floor: true });
  assert.deepEqual(toBenchPlan(parseBenchArgs(['--skip-floor'])), { etcd: true, docket: true, floor: false });
  assert.deepEqual(toBenchPlan(parseBenchArgs(['--only', 'floor'])), { etcd: false, docket: false, floor: true });
  assert.deepEqual(toBenchPlan(parseBenchArgs(['--only', 'etcd'])), { etcd: true, docket: false, floor: false });
  assert.deepEqual(toBenchPlan(parseBenchArgs(['--only', 'docket'])), { etcd: false, docket: true, floor: false });
  assert.equal(parseBenchArgs(['--only', 'floor']).only, 'floor');
  assert.throws(() => parseBenchArgs(['--only', 'floor', '--skip-floor']), /exclude each other/);
});

test('parseStatusKb reads /proc status fields in bytes', () => {
  assert.equal(parseStatusKb('VmPeak:\t  1000 kB\nVmHWM:\t    2048 kB\n', 'VmHWM'), 2048 * 1024);
  assert.equal(parseStatusKb('VmRSS: 1 kB\n', 'VmHWM'), undefined);
});

function phase(perSec: number, p99Ms = 10) {
  return { count: 1, ms: 1, perSec, p50Ms: 1, p99Ms };
}
const MB = 1024 * 1024;
const etcd: EtcdFigures = {
  version: '3.4', write: phase(1000), rewrite: phase(1000),
  afterWrite: { dbSize: 800 * MB, dbSizeInUse: 0, fileBytes: 0, allocatedBytes: 0 },
  afterRewrite: { dbSize: 1600 * MB, dbSizeInUse: 0, fileBytes: 0, allocatedBytes: 0 },
  afterCompactDefrag: { dbSize: 800 * MB, dbSizeInUse: 0, fileBytes: 0, allocatedBytes: 0 },
  peakRssBytes: 1000 * MB,
};
function docket(writes: number, write: number, rewrite: number, rss: number, firstP99: number, retained?: number): DocketFigures {
  return {
    engine: 'sqlite', write: phase(writes), rewrite: phase(writes),
    afterWrite: { fileBytes: write * MB, usedBytes: write * MB }, afterRewrite: { fileBytes: rewrite * MB, usedBytes: rewrite * MB },
    ...(retained === undefined ? {} : { afterRetention: { fileBytes: rewrite * MB, usedBytes: retained * MB } }),
    historyRetentionS: 300,
    startRssBytes: 50 * MB, peakRssBytes: rss * MB,
    list: { ms: 1, fetchMs: 1, pages: 1, items: 1, peakRssBytes: 100 * MB },
    firstPage: phase(0, firstP99),
    firstPageTable: phase(0, 1),
  };
}

test('toSummary computes ratios and targets against the anchor', () => {
  const good = toSummary({ reports: 1, writers: 16, rawJsonBytes: 1, renamedDuplicateNames: 0, etcd, docket: docket(3000, 400, 400, 150, 50) });
  assert.deepEqual(good.targets, {
    'writes>=3x': true, 'dbBytes<=0.5x': true, 'dbBytesAfterRewrite<=0.5x': true,
    dbNotGrowingOnRewrite: true, 'rss<200MB': true, 'firstPageP99<100ms': true,
  });
  assert.equal((good.ratios as Record<string, number>).writes, 3);
  const bad = toSummary({ reports: 1, writers: 16, rawJsonBytes: 1, renamedDuplicateNames: 0, etcd, docket: docket(2999, 401, 800, 200, 100) });
  assert.deepEqual(bad.targets, {
    'writes>=3x': false, 'dbBytes<=0.5x': false, 'dbBytesAfterRewrite<=0.5x': true,
    dbNotGrowingOnRewrite: false, 'rss<200MB': false, 'firstPageP99<100ms': false,
  });
  // Once the history window has passed, the steady state decides: used pages back at the first write's.
  const settled = toSummary({ reports: 1, writers: 16, rawJsonBytes: 1, renamedDuplicateNames: 0, etcd, docket: docket(3000, 400, 600, 150, 50, 410) });
  assert.equal((settled.targets as Record<string, boolean>).dbNotGrowingOnRewrite, true);
  const grown = toSummary({ reports: 1, writers: 16, rawJsonBytes: 1, renamedDuplicateNames: 0, etcd, docket: docket(3000, 400, 600, 150, 50, 500) });
  assert.equal((grown.targets as Record<string, boolean>).dbNotGrowingOnRewrite, false);
  assert.equal((grown.docket as Record<string, unknown>).dbUsedBytesAfterRetention, 500 * MB);
  const etcdOnly = toSummary({ reports: 1, writers: 16, rawJsonBytes: 1, renamedDuplicateNames: 0, etcd });
  assert.equal(etcdOnly.targets, undefined);
  assert.equal(etcdOnly.ratios, undefined);
});

test('toSummary reports the HTTP floor and Docket and etcd against it, leaving the targets alone', () => {
  const floor: FloorFigures = { echo: { count: 1, ms: 1, perSec: 16000, p50Ms: 1, p99Ms: 4 }, parse: { count: 1, ms: 1, perSec: 10000, p50Ms: 1.5, p99Ms: 6 } };
  const base = { reports: 1, writers: 16, rawJsonBytes: 1, renamedDuplicateNames: 0 };
  const all = toSummary({ ...base, etcd, docket: docket(2500, 400, 400, 150, 50), floor });
  assert.deepEqual(all.floor, { echoPerSec: 16000, echoP50Ms: 1, echoP99Ms: 4, parsePerSec: 10000, parseP50Ms: 1.5, parseP99Ms: 6, parseVsEtcd: 10 });
  assert.equal((all.ratios as Record<string, number>).docketVsParseFloor, 0.25);
  assert.equal((all.ratios as Record<string, number>).writes, 2.5);
  assert.equal((all.targets as Record<string, boolean>)['writes>=3x'], false, 'the floor does not move the target');
  const alone = toSummary({ ...base, floor });
  assert.equal((alone.floor as Record<string, unknown>).parseVsEtcd, null);
  assert.equal(alone.ratios, undefined);
  assert.equal(alone.targets, undefined);
  const skipped = toSummary({ ...base, etcd, docket: docket(2500, 400, 400, 150, 50) });
  assert.equal(skipped.floor, undefined);
  assert.equal((skipped.ratios as Record<string, unknown>).docketVsParseFloor, null);
});

test('the floor server echoes bytes, or parses and re-serialises them, over real HTTP', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-floor-test-'));
  const cleanup = createCleanup(() => {});
  try {
    const doc = Buffer.from('{ "kind": "PolicyReport", "metadata": {"name": "é"} }');
    const echo = await startFloorServer('echo', dir, cleanup);
    const parse = await startFloorServer('parse', dir, cleanup);
    const e = createHttpClient(echo.url, 1);
    const p = createHttpClient(parse.url, 1);
    try {
      const echoed = await e.send('POST', '/apis/x', doc);
      assert.equal(echoed.status, 201);
      assert.deepEqual(echoed.body, doc);
      const parsed = await p.send('POST', '/apis/x', doc);
      assert.equal(parsed.status, 201);
      assert.equal(parsed.body.toString(), '{"kind":"PolicyReport","metadata":{"name":"é"}}');
      assert.equal((await p.send('POST', '/apis/x', '{nope')).status, 400, 'the parse floor really parses');
    } finally {
      e.close();
      p.close();
    }
  } finally {
    await cleanup.run();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the first-page probe times sequential GETs from its own process and fails on a non-200 answer', async () => {
  const { createServer } = await import('node:http');
  const { firstPageLatencyFromProbe } = await import('../bench/lib/docket-list.ts');
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.accept}`);
    res.writeHead(req.url?.startsWith('/missing') ? 404 : 200, { 'content-type': 'application/json' });
    res.end('{"items":[]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  try {
    const figures = await firstPageLatencyFromProbe(`http://127.0.0.1:${port}`, '/apis/x', 500, 5, 'application/json');
    assert.equal(figures.count, 5);
    assert.ok(figures.p99Ms >= figures.p50Ms && figures.p50Ms >= 0);
    assert.deepEqual(seen, Array(5).fill('/apis/x?limit=500 application/json'));
    await assert.rejects(firstPageLatencyFromProbe(`http://127.0.0.1:${port}`, '/missing', 500, 2), /HTTP 404/);
  } finally {
    server.close();
  }
});

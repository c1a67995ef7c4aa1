/**
 * Pure: turns the measured figures into the one JSON line the benchmark prints: the figures of
 * each half, the ratios Docket/etcd measured in the same run, and the targets.
 */
import { round, toMb } from './stats.ts';
import type { EtcdFigures } from './etcd.ts';
import type { DocketFigures } from './docket.ts';
import type { FloorFigures } from './floor.ts';

/** Issue 2's targets. */
export const TARGETS = Object.freeze({
  writesRatio: 3,
  dbBytesRatio: 0.5,
  /** "Not growing on rewrite": the rewrite adds a label (~0.5 % more JSON), so allow 5 %. */
  rewriteGrowth: 1.05,
  rssMb: 200,
  firstPageP99Ms: 100,
});

export interface SummaryInput {
  reports: number;
  writers: number;
  rawJsonBytes: number;
  /** Names the bench suffixed because the generator repeated them (see reports.ts). */
  renamedDuplicateNames: number;
  etcd?: EtcdFigures;
  docket?: DocketFigures;
  /** The HTTP floor (a do-nothing Node server written to like Docket), when it ran. */
  floor?: FloorFigures;
}

function etcdPart(e: EtcdFigures) {
  return {
    version: e.version,
    putsPerSec: e.write.perSec,
    p50Ms: e.write.p50Ms,
    p99Ms: e.write.p99Ms,
    rewritePutsPerSec: e.rewrite.perSec,
    rewriteP50Ms: e.rewrite.p50Ms,
    rewriteP99Ms: e.rewrite.p99Ms,
    // dbSize from /v3/maintenance/status; the on-disk member/snap/db sizes follow.
    dbBytesAfterWrite: e.afterWrite.dbSize,
    dbBytesAfterRewrite: e.afterRewrite.dbSize,
    dbBytesAfterCompactDefrag: e.afterCompactDefrag.dbSize,
    dbInUseBytes: { afterWrite: e.afterWrite.dbSizeInUse, afterRewrite: e.afterRewrite.dbSizeInUse, afterCompactDefrag: e.afterCompactDefrag.dbSizeInUse },
    snapDbFileBytes: { afterWrite: e.afterWrite.fileBytes, afterRewrite: e.afterRewrite.fileBytes, afterCompactDefrag: e.afterCompactDefrag.fileBytes },
    peakRssMb: toMb(e.peakRssBytes),
  };
}

function docketPart(d: DocketFigures) {
  return {
    engine: d.engine,
    writesPerSec: d.write.perSec,
    p50Ms: d.write.p50Ms,
    p99Ms: d.write.p99Ms,
    rewritesPerSec: d.rewrite.perSec,
    rewriteP50Ms: d.rewrite.p50Ms,
    rewriteP99Ms: d.rewrite.p99Ms,
    // File bytes: database file + WAL after a checkpoint (what the disk holds).
    dbBytesAfterWrite: d.afterWrite.fileBytes,
    dbBytesAfterRewrite: d.afterRewrite.fileBytes,
    // Used bytes: pages holding data (file minus the freelist).
    dbUsedBytesAfterWrite: d.afterWrite.usedBytes,
    dbUsedBytesAfterRewrite: d.afterRewrite.usedBytes,
    historyRetentionS: d.historyRetentionS,
    // Once the history window has passed and compaction ran (pages are reused, the file keeps its size).
    dbBytesAfterRetention: d.afterRetention?.fileBytes ?? null,
    dbUsedBytesAfterRetention: d.afterRetention?.usedBytes ?? null,
    startRssMb: toMb(d.startRssBytes),
    peakRssMb: toMb(d.peakRssBytes),
    list100k: { ms: d.list.ms, fetchMs: d.list.fetchMs, pages: d.list.pages, items: d.list.items, peakRssMb: toMb(d.list.peakRssBytes) },
    firstPageP50Ms: d.firstPage.p50Ms,
    firstPageP99Ms: d.firstPage.p99Ms,
    firstPageTableP50Ms: d.firstPageTable.p50Ms,
    firstPageTableP99Ms: d.firstPageTable.p99Ms,
    ...(d.firstPageBenchClient ? { firstPageFromBenchProcessP50Ms: d.firstPageBenchClient.p50Ms, firstPageFromBenchProcessP99Ms: d.firstPageBenchClient.p99Ms } : {}),
  };
}

const ratio = (a: number, b: number): number | null => (b > 0 ? round(a / b, 3) : null);

function floorPart(f: FloorFigures, e: EtcdFigures | undefined) {
  return {
    echoPerSec: f.echo.perSec,
    echoP50Ms: f.echo.p50Ms,
    echoP99Ms: f.echo.p99Ms,
    parsePerSec: f.parse.perSec,
    parseP50Ms: f.parse.p50Ms,
    parseP99Ms: f.parse.p99Ms,
    // Below TARGETS.writesRatio, the write target asks for more than a server doing nothing reaches here.
    parseVsEtcd: e ? ratio(f.parse.perSec, e.write.perSec) : null,
  };
}

export function toSummary(input: SummaryInput): Record<string, unknown> {
  const { etcd: e, docket: d, floor: f } = input;
  const out: Record<string, unknown> = {
    reports: input.reports,
    writers: input.writers,
    rawJsonBytes: input.rawJsonBytes,
    renamedDuplicateNames: input.renamedDuplicateNames,
  };
  if (e) out.etcd = etcdPart(e);
  if (d) out.docket = docketPart(d);
  if (f) out.floor = floorPart(f, e);
  if (e && d) {
    out.ratios = {
      writes: ratio(d.write.perSec, e.write.perSec),
      rewrites: ratio(d.rewrite.perSec, e.rewrite.perSec),
      writeP99: ratio(d.write.p99Ms, e.write.p99Ms),
      dbBytes: ratio(d.afterWrite.fileBytes, e.afterWrite.dbSize),
      dbBytesAfterRewrite: ratio(d.afterRewrite.fileBytes, e.afterRewrite.dbSize),
      dbBytesVsEtcdCompacted: ratio(d.afterRewrite.fileBytes, e.afterCompactDefrag.dbSize),
      rss: ratio(d.peakRssBytes, e.peakRssBytes),
      // Share of the do-nothing server's rate that Docket keeps with validation and durable storage.
      docketVsParseFloor: f ? ratio(d.write.perSec, f.parse.perSec) : null,
    };
  }
  if (d) {
    const targets: Record<string, boolean> = {};
    if (e) {
      targets['writes>=3x'] = d.write.perSec >= TARGETS.writesRatio * e.write.perSec;
      targets['dbBytes<=0.5x'] = d.afterWrite.fileBytes <= TARGETS.dbBytesRatio * e.afterWrite.dbSize;
      targets['dbBytesAfterRewrite<=0.5x'] = d.afterRewrite.fileBytes <= TARGETS.dbBytesRatio * e.afterRewrite.dbSize;
    }
    // Steady state when measured: data pages in use after the history window, against those after the first write.
    targets['dbNotGrowingOnRewrite'] = d.afterRetention
      ? d.afterRetention.usedBytes <= TARGETS.rewriteGrowth * d.afterWrite.usedBytes
      : d.afterRewrite.fileBytes <= TARGETS.rewriteGrowth * d.afterWrite.fileBytes;
    targets['rss<200MB'] = Math.max(d.peakRssBytes, d.list.peakRssBytes) < TARGETS.rssMb * 1024 * 1024;
    targets['firstPageP99<100ms'] = d.firstPage.p99Ms < TARGETS.firstPageP99Ms;
    out.targets = targets;
  }
  return out;
}

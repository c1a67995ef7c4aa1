/**
 * The benchmark's documents: realistic Kyverno per-resource reports from the shared generator,
 * kept as Buffers (off the V8 heap: 100k reports are ~630 MB of JSON), plus the rewritten version
 * of each that both systems receive in the rewrite phase.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface BenchReport {
  namespace: string;
  name: string;
  /** The report as first written. */
  doc: Buffer;
  /** The same report with one result flipped, its summary adjusted and a new label. */
  rewrite: Buffer;
}

interface ResultLike { result?: string }
interface ReportLike {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  summary?: Record<string, number>;
  results?: ResultLike[];
}

/** Pure: the rewritten document (first result pass<->fail, summary kept consistent, new label). */
export function toRewrite(report: ReportLike): ReportLike {
  const copy = structuredClone(report);
  copy.metadata.labels = { ...copy.metadata.labels, 'bench.docket.dev/rewrite': '1' };
  const first = copy.results?.[0];
  if (first?.result) {
    const from = first.result;
    const to = from === 'pass' ? 'fail' : 'pass';
    first.result = to;
    if (copy.summary) {
      copy.summary[from] = (copy.summary[from] ?? 1) - 1;
      copy.summary[to] = (copy.summary[to] ?? 0) + 1;
    }
  }
  return copy;
}

/**
 * Pure: a name not yet used in its namespace. The shared generator's PRNG cycles (a float multiply
 * loses precision), so at 100k it repeats (namespace, name) pairs: only ~10.5k are distinct. A
 * repeat would be an overwrite in etcd and a 409 in Docket, so repeats get an index suffix.
 */
export function toUniqueName(namespace: string, name: string, index: number, seen: Set<string>): string {
  let out = name;
  if (seen.has(`${namespace}/${out}`)) out = `${name}-${index.toString(36)}`;
  seen.add(`${namespace}/${out}`);
  return out;
}

/** Runs the shared generator for `count` reports and collects them with their rewrites. */
export async function generateReports(generator: string, count: number): Promise<{ reports: BenchReport[]; renamed: number }> {
  const child = spawn(process.execPath, [generator, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const out: BenchReport[] = [];
  const seen = new Set<string>();
  let renamed = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line) continue;
    const report = JSON.parse(line) as ReportLike;
    const name = toUniqueName(report.metadata.namespace, report.metadata.name, out.length, seen);
    const changed = name !== report.metadata.name;
    if (changed) {
      renamed++;
      report.metadata.name = name;
    }
    out.push({
      namespace: report.metadata.namespace,
      name,
      doc: Buffer.from(changed ? JSON.stringify(report) : line),
      rewrite: Buffer.from(JSON.stringify(toRewrite(report))),
    });
  }
  const code = await exited;
  if (code !== 0) throw new Error(`${generator} exited with ${code}`);
  if (out.length !== count) throw new Error(`generator produced ${out.length} reports, expected ${count}`);
  return { reports: out, renamed };
}

/** Total JSON bytes of the documents as first written (the "raw size" both DB sizes compare to). */
export function rawBytes(reports: readonly BenchReport[]): number {
  return reports.reduce((sum, r) => sum + r.doc.length, 0);
}

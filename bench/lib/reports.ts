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

/** Runs the shared generator for `count` reports and collects them with their rewrites. */
export async function generateReports(generator: string, count: number): Promise<BenchReport[]> {
  const child = spawn(process.execPath, [generator, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const out: BenchReport[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line) continue;
    const report = JSON.parse(line) as ReportLike;
    out.push({
      namespace: report.metadata.namespace,
      name: report.metadata.name,
      doc: Buffer.from(line),
      rewrite: Buffer.from(JSON.stringify(toRewrite(report))),
    });
  }
  const code = await exited;
  if (code !== 0) throw new Error(`${generator} exited with ${code}`);
  if (out.length !== count) throw new Error(`generator produced ${out.length} reports, expected ${count}`);
  return out;
}

/** Total JSON bytes of the documents as first written (the "raw size" both DB sizes compare to). */
export function rawBytes(reports: readonly BenchReport[]): number {
  return reports.reduce((sum, r) => sum + r.doc.length, 0);
}

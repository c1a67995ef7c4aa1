// Measures decodeReport and toVersion on generated Kyverno-like reports (17 results each).
// Usage: node --import tsx bench/model-decode.ts   → one JSON line of figures.
import { execFileSync } from 'node:child_process';
import { decodeReport, findResourceByKind, toVersion, type ReportObject } from '@docket/model';
import { genReportsPath } from '../test/support/shared.ts';

const lines = execFileSync(process.execPath, [genReportsPath(), '500'], { encoding: 'utf8', maxBuffer: 64 << 20 })
  .trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const resource = findResourceByKind('wgpolicyk8s.io/v1alpha2', 'PolicyReport')!;
const target = { resource, version: 'v1alpha2' };
const opts = { fieldValidation: 'Strict' as const };

function time(label: string, rounds: number, fn: (doc: Record<string, unknown>, i: number) => unknown): number {
  for (const doc of lines) fn(doc, 0); // warm up
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) lines.forEach((doc, i) => fn(doc, i));
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / (rounds * lines.length);
  return Math.round(ms * 1e4) / 1e4;
}

const hubs: ReportObject[] = lines.map((d) => decodeReport(d, target, opts).object);
const withNull = lines.map((d) => ({ ...d, metadata: { ...(d.metadata as object), creationTimestamp: null } }));
const texts = lines.map((d) => JSON.stringify(d));
// Anchor: parsing the request body itself, which every write pays before decode.
const jsonParseMs = time('json-parse', 10, (_d, i) => JSON.parse(texts[i]!));
const decodeMs = time('decode', 10, (d) => decodeReport(d, target, opts));
console.log(JSON.stringify({
  reports: lines.length,
  jsonParseMsPerReport: jsonParseMs,
  decodeToJsonParseRatio: Math.round((decodeMs / jsonParseMs) * 100) / 100,
  resultsPerReport: (lines[0]?.results as unknown[]).length,
  decodeMsPerReport: decodeMs,
  decodeWithNullMsPerReport: time('decode-null', 3, (_d, i) => decodeReport(withNull[i], target, { fieldValidation: 'Ignore' })),
  toV1alpha2MsPerReport: time('to-v1alpha2', 50, (_d, i) => toVersion(hubs[i]!, 'v1alpha2')),
  toV1alpha1MsPerReport: time('to-v1alpha1', 10, (_d, i) => toVersion(hubs[i]!, 'v1alpha1')),
}));

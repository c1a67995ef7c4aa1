/**
 * Row encoding. The document is stored split: `head` (everything but results) as plain JSON, read
 * alone by summary projections, and `results` as raw-deflated JSON, which shrinks a typical report's
 * results 5-8x for a few microseconds per write (see scripts/measure-sqlite.ts).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { ReportObject, ReportResult } from '@docket/model';
import { joinDocument, splitDocument } from '../shared/rows.ts';

const LEVEL = 1;

export interface EncodedDoc {
  head: string;
  /** Uncompressed results JSON (for cheap equality checks), or null. */
  resultsJson: string | null;
  results: Buffer | null;
}

export function encodeDoc(obj: ReportObject): EncodedDoc {
  const { head, results } = splitDocument(obj);
  const resultsJson = results === undefined ? null : JSON.stringify(results);
  return {
    head: JSON.stringify(head),
    resultsJson,
    results: resultsJson === null ? null : deflateRawSync(resultsJson, { level: LEVEL }),
  };
}

export function decodeResultsJson(blob: Buffer | null): string | null {
  return blob === null ? null : inflateRawSync(blob).toString('utf8');
}

export interface DocRow {
  head: string;
  results: Buffer | null;
}

/** Rebuilds an object from its head and already-inflated results JSON. */
export function decodeStored(head: string, resultsJson: string | null): ReportObject {
  const h = JSON.parse(head) as ReportObject;
  return resultsJson === null ? h : joinDocument(h, JSON.parse(resultsJson) as ReportResult[]);
}

/** Decodes a stored row; `summary` skips the results entirely. */
export function decodeDoc(row: DocRow, projection: 'full' | 'summary' = 'full'): ReportObject {
  const head = JSON.parse(row.head) as ReportObject;
  if (projection === 'summary' || row.results === null) return head;
  return joinDocument(head, JSON.parse(decodeResultsJson(row.results)!) as ReportResult[]);
}

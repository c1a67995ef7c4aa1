/**
 * Reports read from the store carry their results lazily: `results` is parsed from the stored JSON
 * the first time anything reads it, and until then the JSON text itself is available through
 * `untouchedResultsJson`. A list page of 500 full reports is mostly results (~5 KB of 6.3 KB each)
 * that the API only re-serialises: splicing the stored text skips a JSON.parse and a
 * JSON.stringify per report and most of the garbage of a page.
 *
 * Safe by construction: once `results` has been read or assigned, the getter is replaced by a plain
 * data property and the stored text is no longer offered, so a caller that changed the parsed
 * results can never have them serialised from the stale text.
 */
import type { ReportObject, ReportResult } from '@docket/model';

const RAW = Symbol('docket.rawResultsJson');

type WithRaw = ReportObject & { [RAW]?: string };

function settle(obj: WithRaw, value: ReportResult[] | undefined): void {
  delete obj[RAW];
  Object.defineProperty(obj, 'results', { value, writable: true, enumerable: true, configurable: true });
}

// One accessor pair shared by every lazy report: the stored text lives on the object (RAW) only.
function getResults(this: WithRaw): ReportResult[] {
  const value = JSON.parse(this[RAW]!) as ReportResult[];
  settle(this, value);
  return value;
}

function setResults(this: WithRaw, value: ReportResult[] | undefined): void {
  settle(this, value);
}

/**
 * `head` (the report without results) with `results` appended as its last member, parsed from
 * `json` on first use. `json` must be the JSON.stringify output of the results array (as stored).
 */
export function withLazyResults(head: ReportObject, json: string): ReportObject {
  const obj: WithRaw = { ...head };
  Object.defineProperty(obj, RAW, { value: json, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(obj, 'results', { get: getResults, set: setResults, enumerable: true, configurable: true });
  return obj;
}

/**
 * The stored JSON text of `obj.results` if nothing has read or replaced them since the store
 * returned `obj` (then `results` is its last member); undefined otherwise, or for any other object.
 */
export function untouchedResultsJson(obj: ReportObject): string | undefined {
  const raw = (obj as WithRaw)[RAW];
  if (raw === undefined) return undefined;
  return Object.getOwnPropertyDescriptor(obj, 'results')?.get ? raw : undefined;
}

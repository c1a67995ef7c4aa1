/**
 * Conversion between the hub (storage) shape and each served version of a group.
 *
 * Within wgpolicyk8s.io the hub is v1beta1. Lower versions cannot hold every hub field:
 *  - v1alpha2 has no top-level `source` or `configuration`;
 *  - v1alpha1 additionally has no per-result `source`/`timestamp`, only the severities
 *    high/medium/low, and names `result`/`properties` as `status`/`data`.
 *
 * To keep round trips lossless, `toVersion` moves what the target version cannot hold into the
 * annotation {@link CONVERSION_ANNOTATION} (JSON, see {@link ConversionData}); a `critical` or
 * `info` severity is shown to v1alpha1 readers as `high` / `low`. When an object is written
 * back in the lower version, decode restores the stashed fields: top-level ones and
 * per-result `source`/`timestamp` when the written object does not set them, and a stashed
 * severity only if the result at that index still has the same policy and rule and the
 * severity the reader was shown (so edits made in the lower version win). The annotation is
 * always removed from the stored (hub) object; deleting it in the lower version drops the
 * stashed fields on the next write.
 *
 * Everything here runs for every object of every list, so the common case (nothing to
 * convert) is a shallow copy with the new `apiVersion`.
 */
import { z } from 'zod';
import { CONVERSION_ANNOTATION } from './conversion-annotation.ts';
import { splitApiVersion } from './resources.ts';
import { severitySchema, timestampSchema } from './schemas/common.ts';
import { configurationSchema, wireShapeOf } from './schemas/report.ts';
import type { ResultV1alpha1 } from './schemas/result.ts';
import type { ObjectMeta, ReportObject, ReportResult, Severity, Timestamp } from './types.ts';

export { CONVERSION_ANNOTATION };

/** Per-result data a v1alpha1 reader cannot see, keyed by index and checked by policy/rule. */
export interface ResultStash {
  i: number;
  policy: string;
  rule?: string;
  severity?: Severity;
  source?: string;
  timestamp?: Timestamp;
}

/** Content of the {@link CONVERSION_ANNOTATION} annotation. */
export interface ConversionData {
  source?: string;
  configuration?: ReportObject['configuration'];
  results?: ResultStash[];
}

const conversionDataSchema = z.object({
  source: z.string().optional(),
  configuration: configurationSchema.optional(),
  results: z.array(z.object({
    i: z.int().min(0),
    policy: z.string(),
    rule: z.string().optional(),
    severity: severitySchema.optional(),
    source: z.string().optional(),
    timestamp: timestampSchema.optional(),
  })).optional(),
});

/** How a severity v1alpha1 cannot express is shown to v1alpha1 readers. */
function v1alpha1Severity(s: Severity): 'high' | 'medium' | 'low' {
  if (s === 'critical') return 'high';
  if (s === 'info') return 'low';
  return s;
}

function withStash(meta: ObjectMeta, data: ConversionData): ObjectMeta {
  return { ...meta, annotations: { ...meta.annotations, [CONVERSION_ANNOTATION]: JSON.stringify(data) } };
}

/**
 * Serves a hub object in `version` of its group: the wire shape with `apiVersion` set.
 * Returns `hub` itself when it already is in that version.
 */
export function toVersion(hub: ReportObject, version: string): Record<string, unknown> {
  const [group] = splitApiVersion(hub.apiVersion);
  const apiVersion = `${group}/${version}`;
  const shape = wireShapeOf(group, version);
  if (shape === 'hub') return hub.apiVersion === apiVersion ? (hub as unknown as Record<string, unknown>) : { ...hub, apiVersion };
  const { source, configuration, ...rest } = hub;
  const stash: ConversionData = {};
  if (source !== undefined) stash.source = source;
  if (configuration !== undefined) stash.configuration = configuration;
  const out: Record<string, unknown> = { ...rest, apiVersion };
  if (shape === 'v1alpha1' && hub.results) {
    const stashed: ResultStash[] = [];
    out.results = hub.results.map((r, i) => toV1alpha1Result(r, i, stashed));
    if (stashed.length > 0) stash.results = stashed;
  }
  if (stash.source !== undefined || stash.configuration !== undefined || stash.results) {
    out.metadata = withStash(hub.metadata, stash);
  }
  return out;
}

function toV1alpha1Result(r: ReportResult, i: number, stashed: ResultStash[]): ResultV1alpha1 {
  const { result, properties, severity, source, timestamp, ...rest } = r;
  const out: ResultV1alpha1 = { ...rest };
  if (result !== undefined) out.status = result;
  if (properties !== undefined) out.data = properties;
  if (severity !== undefined) out.severity = v1alpha1Severity(severity);
  if (source !== undefined || timestamp !== undefined || (severity !== undefined && severity !== out.severity)) {
    const entry: ResultStash = { i, policy: r.policy };
    if (r.rule !== undefined) entry.rule = r.rule;
    if (severity !== undefined && severity !== out.severity) entry.severity = severity;
    if (source !== undefined) entry.source = source;
    if (timestamp !== undefined) entry.timestamp = timestamp;
    stashed.push(entry);
  }
  return out;
}

/**
 * Takes the conversion annotation off `meta` (mutating the freshly decoded object) and returns
 * its parsed content, or undefined (with a warning when it was present but unreadable).
 */
function takeStash(meta: ObjectMeta | undefined, warnings: string[]): ConversionData | undefined {
  const raw = meta?.annotations?.[CONVERSION_ANNOTATION];
  if (meta === undefined || raw === undefined) return undefined;
  const annotations = { ...meta.annotations };
  delete annotations[CONVERSION_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete meta.annotations;
  else meta.annotations = annotations;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const checked = conversionDataSchema.safeParse(parsed);
  if (!checked.success) {
    warnings.push(`metadata.annotations[${CONVERSION_ANNOTATION}]: ignored, not valid conversion data`);
    return undefined;
  }
  return checked.data as ConversionData;
}

function restore(obj: ReportObject, stash: ConversionData): void {
  if (stash.source !== undefined && obj.source === undefined) obj.source = stash.source;
  if (stash.configuration !== undefined && obj.configuration === undefined) obj.configuration = stash.configuration;
  for (const entry of stash.results ?? []) {
    const r = obj.results?.[entry.i];
    if (r === undefined || r.policy !== entry.policy || r.rule !== entry.rule) continue;
    if (entry.severity !== undefined && r.severity === v1alpha1Severity(entry.severity)) r.severity = entry.severity;
    if (entry.source !== undefined && r.source === undefined) r.source = entry.source;
    if (entry.timestamp !== undefined && r.timestamp === undefined) r.timestamp = entry.timestamp;
  }
}

function fromV1alpha1Result(r: ResultV1alpha1): ReportResult {
  const { status, data, severity, ...rest } = r;
  const out: ReportResult = { ...rest };
  if (severity !== undefined) out.severity = severity;
  if (status !== undefined) out.result = status as ReportResult['result'];
  if (data !== undefined) out.properties = data;
  return out;
}

/**
 * Converts a validated wire object of `version` into the hub shape, in place where possible,
 * and restores stashed conversion data. `wire` must be a fresh object owned by the caller.
 */
export function fromVersion(wire: Record<string, unknown>, group: string, version: string, hubVersion: string, warnings: string[]): ReportObject {
  const obj = wire as unknown as ReportObject;
  obj.apiVersion = `${group}/${hubVersion}`;
  const shape = wireShapeOf(group, version);
  if (shape === 'v1alpha1' && Array.isArray(wire.results)) {
    obj.results = (wire.results as ResultV1alpha1[]).map(fromV1alpha1Result);
  }
  const stash = takeStash(obj.metadata, warnings);
  if (stash !== undefined && shape !== 'hub') restore(obj, stash);
  return obj;
}

import type { ObjectReference, ReportObject, ReportResult } from '@docket/model';
import { resultId } from './result-id.ts';

/**
 * Compact in-memory keys for result ids. The common id, 32 lowercase hex characters (what
 * `resultId` produces), packs into a 16-character one-byte string (16 bytes of payload instead of
 * 32, and a fresh flat string rather than a slice pinning the 64-character digest). Any other id is
 * kept as is, prefixed with U+FFFF when it could be mistaken for a packed key (length 16) or starts
 * with U+FFFF itself, so decoding is unambiguous.
 */
const HEX32 = /^[0-9a-f]{32}$/;
const scratch = Buffer.allocUnsafe(16);
const MARK = '\uffff';

/** Packs a result id into its compact key. */
export function packId(id: string): string {
  if (id.length === 32 && HEX32.test(id)) {
    scratch.write(id, 'hex');
    return scratch.toString('latin1', 0, 16);
  }
  return id.length === 16 || id.charCodeAt(0) === 0xffff ? MARK + id : id;
}

/** Inverse of {@link packId}. */
export function unpackId(key: string): string {
  if (key.charCodeAt(0) === 0xffff) return key.slice(1);
  if (key.length === 16) return Buffer.from(key, 'latin1').toString('hex');
  return key;
}

/** Custom id fields per result source (`sourceConfig[].customId.fields` in Policy Reporter). */
export type CustomIdFields = Readonly<Record<string, readonly string[]>>;

/** Computes a result's id within its report. */
export type IdOf = (report: ReportObject, result: ReportResult) => string;

const SYNTHETIC = '\u0000docket:';

/**
 * Builds the id function used by the tracker: `resultId(result, report.scope, fields)` where `fields`
 * are the custom id fields configured for the result's source (result source, else the report's),
 * spelled as in Policy Reporter and translated for `resultId`: `resource` (uid + name), `namespace`
 * (the subject's, else the report's), `policy`, `rule`, `result`, `category`, `message`, `created`
 * (the result timestamp), `property:<key>`, `label:<report label>`, `annotation:<report annotation>`.
 * Fields `resultId` cannot read itself travel as synthetic properties on a shallow copy.
 */
export function createIdOf(customIdFields?: CustomIdFields): IdOf {
  const plans = new Map<string, Plan>();
  for (const [source, fields] of Object.entries(customIdFields ?? {})) {
    if (fields.length > 0) plans.set(source, planFields(fields));
  }
  if (plans.size === 0) return (report, result) => resultId(result, report.scope);
  return (report, result) => {
    const plan = plans.get(result.source || report.source || '');
    if (!plan) return resultId(result, report.scope);
    if (plan.synthetic.length === 0) return resultId(result, report.scope, plan.fields);
    const properties: Record<string, string> = { ...result.properties };
    const subject = result.resources?.[0] ?? report.scope;
    for (const s of plan.synthetic) properties[SYNTHETIC + s] = syntheticValue(s, report, result, subject);
    return resultId({ ...result, properties }, report.scope, plan.fields);
  };
}

interface Plan { fields: string[]; synthetic: string[] }

function planFields(fields: readonly string[]): Plan {
  const out: string[] = [];
  const synthetic: string[] = [];
  for (const f of fields) {
    if (f === 'resource') out.push('resource.uid', 'resource.name');
    else if (f === 'namespace' || f === 'created' || f.startsWith('label:') || f.startsWith('annotation:')) {
      synthetic.push(f);
      out.push(`property:${SYNTHETIC}${f}`);
    } else out.push(f); // policy, rule, result, category, message, property:<k> are read by resultId
  }
  return { fields: out, synthetic };
}

function syntheticValue(field: string, report: ReportObject, result: ReportResult, subject: ObjectReference | undefined): string {
  if (field === 'namespace') return subject?.namespace ?? report.metadata.namespace ?? '';
  if (field === 'created') return result.timestamp ? `${result.timestamp.seconds}.${result.timestamp.nanos}` : '';
  if (field.startsWith('label:')) return report.metadata.labels?.[field.slice(6)] ?? '';
  return report.metadata.annotations?.[field.slice(11)] ?? '';
}

/** Default report key: API group, kind, namespace and name (stable across delete/re-create, unlike uid). */
export function reportKeyOf(report: ReportObject): string {
  const slash = report.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : report.apiVersion.slice(0, slash);
  return `${group}/${report.kind}/${report.metadata.namespace ?? ''}/${report.metadata.name ?? ''}`;
}

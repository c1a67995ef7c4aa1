/**
 * Turns zod issues into Kubernetes `FieldCause`s (reason, apiserver-style message, field path
 * in Kubernetes notation) and separates out the two things decode prunes instead of
 * rejecting: unknown fields and `null` values of optional fields.
 */
import type { z } from 'zod';
import type { FieldCause } from '../errors.ts';
import { causeMessage, type ProblemParams } from '../schemas/rules.ts';

type PathSegment = PropertyKey;

/** Fields whose children are map keys, printed as `labels[app]` rather than `labels.app`. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'matchLabels', 'properties', 'data', 'fieldsV1']);

/** Formats a path as Kubernetes does: `results[3].result`, `metadata.labels[app]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const prev = i > 0 ? path[i - 1] : undefined;
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof prev === 'string' && MAP_FIELDS.has(prev)) out += `[${String(seg)}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** JSON type name of a value, in OpenAPI vocabulary. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const EXPECTED_NAMES: Record<string, string> = { int: 'integer', record: 'object', map: 'object' };

export interface IssueReport {
  causes: FieldCause[];
  /** Unknown fields as [path of the containing object, key]. */
  unknown: { path: PathSegment[]; key: string }[];
  /** Paths of `null` values to drop (treated as absent, like the apiserver does for CRDs). */
  nulls: PathSegment[][];
}

export function classifyIssues(issues: readonly z.core.$ZodIssue[], input: unknown): IssueReport {
  const report: IssueReport = { causes: [], unknown: [], nulls: [] };
  for (const issue of issues) {
    const path = issue.path;
    const field = formatPath(path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) report.unknown.push({ path: [...path], key });
        break;
      case 'invalid_type': {
        const value = valueAt(input, path);
        const parent = valueAt(input, path.slice(0, -1));
        if (value === undefined) {
          report.causes.push({ reason: 'FieldValueRequired', message: causeMessage('FieldValueRequired', ''), field });
        } else if (value === null && parent !== null && typeof parent === 'object' && !Array.isArray(parent)) {
          report.nulls.push([...path]);
        } else {
          const got = jsonTypeOf(value);
          const want = EXPECTED_NAMES[issue.expected] ?? issue.expected;
          report.causes.push({
            reason: 'FieldValueTypeInvalid',
            message: `Invalid value: "${got}": ${field} in body must be of type ${want}: "${got}"`,
            field,
          });
        }
        break;
      }
      case 'invalid_value': {
        const supported = issue.values.map((v) => JSON.stringify(v)).join(', ');
        const value = valueAt(input, path);
        report.causes.push({
          reason: 'FieldValueNotSupported',
          message: causeMessage('FieldValueNotSupported', `supported values: ${supported}`, value),
          field,
        });
        break;
      }
      case 'too_small':
      case 'too_big': {
        const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
        const op = issue.code === 'too_small' ? 'greater' : 'less';
        const eq = issue.inclusive === false ? '' : ' or equal to';
        const value = valueAt(input, path);
        report.causes.push({
          reason: 'FieldValueInvalid',
          message: causeMessage('FieldValueInvalid', `${field} in body should be ${op} than${eq} ${String(bound)}`, value),
          field,
        });
        break;
      }
      case 'custom': {
        const params = issue.params as ProblemParams | undefined;
        const reason = params?.reason ?? 'FieldValueInvalid';
        report.causes.push({ reason, message: causeMessage(reason, issue.message, params?.value), field });
        break;
      }
      default:
        report.causes.push({ reason: 'FieldValueInvalid', message: causeMessage('FieldValueInvalid', issue.message, valueAt(input, path)), field });
    }
  }
  return report;
}

/** Deletes unknown fields and nulls from a (cloned) input; returns the unknown field paths. */
export function prune(input: unknown, report: IssueReport): string[] {
  const names: string[] = [];
  for (const { path, key } of report.unknown) {
    const parent = valueAt(input, path) as Record<string, unknown> | undefined;
    if (parent && typeof parent === 'object') delete parent[key];
    names.push(formatPath([...path, key]));
  }
  for (const path of report.nulls) {
    const parent = valueAt(input, path.slice(0, -1)) as Record<PropertyKey, unknown> | undefined;
    const last = path[path.length - 1];
    if (parent && typeof parent === 'object' && last !== undefined) delete parent[last];
  }
  return names;
}

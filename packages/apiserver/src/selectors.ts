/**
 * Parsers for the `labelSelector` and `fieldSelector` query parameters, producing the store's
 * requirement types (evaluated in SQL, never in memory). Grammar and validation follow kube:
 *
 *   labels:  a=b  a==b  a!=b  a in (x,y)  a notin (x)  a  !a     joined by commas
 *   fields:  f=v  f==v  f!=v                                        joined by commas, `\` escapes
 *
 * Anything malformed, an invalid label key/value, or a field the store cannot filter on is a
 * BadRequestError (400) whose message says what was wrong and what is allowed.
 */
import { BadRequestError } from '@docket/model';
import { SELECTABLE_FIELDS, type FieldRequirement, type LabelRequirement, type Selectors, type SelectableField } from '@docket/store';

const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `key` is not a valid label key (kube's qualified name rules), or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `prefix part "${prefix}" of label key "${key}" must be a lowercase DNS subdomain of at most 253 characters`;
  }
  if (name.length === 0) return `name part of label key "${key}" must not be empty`;
  if (name.length > 63) return `name part of label key "${key}" must be no more than 63 characters`;
  if (!NAME.test(name)) {
    return `name part of label key "${key}" must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
}

/** Why `value` is not a valid label value, or undefined when it is (the empty string is valid). */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63) return `label value "${value}" must be no more than 63 characters`;
  if (!NAME.test(value)) {
    return `label value "${value}" must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw bad(s, 'unbalanced ")"');
    if (ch === ',' && depth === 0) { parts.push(cur); cur = ''; } else cur += ch;
  }
  if (depth !== 0) throw bad(s, 'missing ")"');
  parts.push(cur);
  return parts;
}

function bad(selector: string, why: string): BadRequestError {
  return new BadRequestError(`unable to parse label selector "${selector}": ${why}`);
}

const KEY = String.raw`([^\s,()=!<>]+)`;
const EXISTS = new RegExp(String.raw`^\s*(!?)\s*${KEY}\s*$`);
const EQUALITY = new RegExp(String.raw`^\s*${KEY}\s*(==|=|!=)\s*([^\s,()=!<>]*)\s*$`);
const SET = new RegExp(String.raw`^\s*${KEY}\s+(in|notin)\s*\(([^()]*)\)\s*$`);

/**
 * Parses a label selector into store requirements, in the order given. An empty or missing
 * selector matches everything (no requirements).
 * @throws BadRequestError for syntax errors, unsupported operators (`<`, `>`) and invalid keys/values.
 */
export function parseLabelSelector(selector: string | undefined): LabelRequirement[] {
  if (selector === undefined || selector.trim() === '') return [];
  const out: LabelRequirement[] = [];
  for (const part of splitTopLevel(selector)) {
    if (part.trim() === '') throw bad(selector, 'empty requirement (stray comma?)');
    let req: LabelRequirement;
    let m: RegExpExecArray | null;
    if ((m = SET.exec(part))) {
      const values = m[3]!.split(',').map((v) => v.trim());
      if (m[3]!.trim() === '') throw bad(selector, `"${m[2]}" needs at least one value in parentheses`);
      req = { key: m[1]!, op: m[2] as 'in' | 'notin', values: [...new Set(values)] };
    } else if ((m = EQUALITY.exec(part))) {
      req = { key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] };
    } else if ((m = EXISTS.exec(part))) {
      req = { key: m[2]!, op: m[1] ? 'notexists' : 'exists', values: [] };
    } else if (/[<>]/.test(part)) {
      throw bad(selector, `"${part.trim()}": the operators < and > are not supported`);
    } else {
      throw bad(selector, `"${part.trim()}" is not a requirement (expected key, !key, key=value, key!=value, key in (v1,v2) or key notin (v1,v2))`);
    }
    const problem = labelKeyProblem(req.key) ?? req.values.map(labelValueProblem).find((p) => p !== undefined);
    if (problem) throw bad(selector, problem);
    out.push(req);
  }
  return out;
}

/** Splits `s` on unescaped `sep`, keeping escapes for the caller to resolve. */
function splitUnescaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) { cur += ch + s[i + 1]; i++; continue; }
    if (ch === sep) { parts.push(cur); cur = ''; } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function unescapeField(s: string, selector: string): string {
  return s.replace(/\\(.)/g, (_m, c: string) => {
    if (c === '\\' || c === ',' || c === '=') return c;
    throw new BadRequestError(`unable to parse field selector "${selector}": invalid escape sequence "\\${c}"`);
  });
}

/**
 * Parses a field selector into store requirements. Only fields in SELECTABLE_FIELDS are accepted
 * because each one maps to an indexed column; anything else is rejected rather than scanned.
 * @throws BadRequestError for syntax errors and unknown fields (naming the allowed ones).
 */
export function parseFieldSelector(selector: string | undefined): FieldRequirement[] {
  if (selector === undefined || selector.trim() === '') return [];
  const out: FieldRequirement[] = [];
  for (const part of splitUnescaped(selector, ',')) {
    // Find the first unescaped operator: `!=`, `==` or `=`.
    const m = /^((?:[^\\=!]|\\.)*)(!=|==|=)(.*)$/.exec(part);
    if (!m) throw new BadRequestError(`unable to parse field selector "${selector}": "${part}" is not of the form field=value or field!=value`);
    const field = m[1]!.trim();
    if (!(SELECTABLE_FIELDS as readonly string[]).includes(field)) {
      throw new BadRequestError(`field selector "${selector}": "${field}" is not a supported field; supported fields are ${SELECTABLE_FIELDS.join(', ')}`);
    }
    out.push({ field: field as SelectableField, op: m[2] === '!=' ? '!=' : '=', value: unescapeField(m[3]!, selector) });
  }
  return out;
}

/** Both selectors of a list/watch/deletecollection request, ready for the store. */
export function parseSelectors(query: { labelSelector?: string; fieldSelector?: string }): Selectors {
  const labels = parseLabelSelector(query.labelSelector);
  const fields = parseFieldSelector(query.fieldSelector);
  return { ...(labels.length ? { labels } : {}), ...(fields.length ? { fields } : {}) };
}

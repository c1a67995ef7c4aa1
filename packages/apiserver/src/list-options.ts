/** Store options for list, watch and deletecollection, read from the query string. */
import { BadRequestError } from '@docket/model';
import { SELECTABLE_FIELDS, type FieldRequirement, type LabelRequirement, type ListOptions, type SelectableField, type Selectors, type WatchOptions } from '@docket/store';
import { one, parseBool, parseNonNegativeInt, parseResourceVersionMatch, type Query } from './query.ts';

/** `labelSelector` and `fieldSelector`, parsed into requirements the store evaluates in SQL. */
export function selectorsOf(q: Query): Selectors {
  const sel: Selectors = {};
  const labels = one(q, 'labelSelector');
  const fields = one(q, 'fieldSelector');
  if (labels) sel.labels = parseLabelSelector(labels);
  if (fields) sel.fields = parseFieldSelector(fields);
  return sel;
}

export function listOptionsOf(q: Query, projection: 'full' | 'summary'): ListOptions {
  const opts: ListOptions = { ...selectorsOf(q), projection };
  const limit = parseNonNegativeInt(q, 'limit');
  if (limit) opts.limit = limit;
  const cont = one(q, 'continue');
  if (cont) opts.continue = cont;
  const rv = one(q, 'resourceVersion');
  if (rv !== undefined) opts.resourceVersion = rv;
  const match = parseResourceVersionMatch(q);
  if (match) opts.resourceVersionMatch = match;
  return opts;
}

export function watchOptionsOf(q: Query): WatchOptions {
  const opts: WatchOptions = selectorsOf(q);
  const rv = one(q, 'resourceVersion');
  if (rv !== undefined) opts.resourceVersion = rv;
  if (parseBool(q, 'allowWatchBookmarks')) opts.allowBookmarks = true;
  if (parseBool(q, 'sendInitialEvents')) opts.sendInitialEvents = true;
  return opts;
}

// ---- temporary parsers until the protocol helper's selectors.ts lands ----
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) { out.push(cur.trim()); cur = ''; } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export function parseLabelSelector(s: string): LabelRequirement[] {
  return splitTop(s).map((term) => {
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) return { key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()) };
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term);
    if (m) return { key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] };
    m = /^(!?)([\w./-]+)$/.exec(term);
    if (m) return { key: m[2]!, op: m[1] ? 'notexists' : 'exists', values: [] };
    throw new BadRequestError(`unable to parse requirement: ${term}`);
  });
}

export function parseFieldSelector(s: string): FieldRequirement[] {
  return splitTop(s).map((term) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new BadRequestError(`invalid field selector: ${term}`);
    if (!SELECTABLE_FIELDS.includes(m[1] as SelectableField)) throw new BadRequestError(`field label not supported: ${m[1]}`);
    return { field: m[1] as SelectableField, op: m[2] === '!=' ? '!=' : '=', value: m[3]! };
  });
}

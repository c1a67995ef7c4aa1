/** Store options for list, watch and deletecollection, read from the query string. */
import type { ListOptions, Selectors, WatchOptions } from '@docket/store';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
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

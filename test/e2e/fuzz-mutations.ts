/**
 * Deterministic mutators for the fuzz test: each takes a valid report and a PRNG and returns a
 * request (method, path suffix, content type, body text) that is usually invalid in one way.
 */
import { RESOURCE_TYPES, type ResourceType } from '@docket/model';

export type Rng = () => number;

/** mulberry32: small, fast, deterministic. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

type Json = any;

export interface FuzzRequest {
  resource: ResourceType;
  version: string;
  method: 'POST' | 'PUT' | 'PATCH';
  /** Name used in the item URL for PUT/PATCH. */
  urlName?: string;
  namespace: string;
  contentType: string;
  body: string;
  /** Which mutations were applied, for failure messages. */
  what: string[];
}

const WEIRD_VALUES: Json[] = [
  null, true, 0, -1, 1.5, 2 ** 53 + 2, -(2 ** 63), 1e308, '', 'x', '🙂', [], [1, 'a'], {}, { a: { b: 1 } }, '\u0000', '\ud800', 'a'.repeat(5000),
];
const BAD_NAMES = ['UPPER', 'has space', '../etc', '-lead', 'trail-', 'a'.repeat(300), 'ok.name', 'ünï', '', 'x/y', 'a_b', '🙂'];
const BAD_ENUMS = ['maybe', 'PASS', 'Fail', '', ' pass', 'critical!', 'info ', 'null'];
const STRANGE_TEXT = ['Zoë 🙂 ☃ 中文', '\u202eevil', 'line\nbreak', '\u0000nul', '\ud83d', '𝕏'.repeat(200)];

/** Every JSON path (as key arrays) of an object, for picking a random node. */
function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (v !== null && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      const p = [...prefix, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      if (out.length < 2000) paths(child, p, out);
    }
  }
  return out;
}

function setPath(obj: Json, path: (string | number)[], value: Json, remove = false): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) cur = cur[k];
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else cur[last] = value;
}

/** Deep values are spliced in as text after JSON.stringify, which cannot nest thousands deep. */
const DEEP_MARK = '__deep__';
function deepText(depth: number): string {
  return '{"n":['.repeat(depth) + '"bottom"' + ']}'.repeat(depth);
}

const MUTATORS: Record<string, (o: Json, rng: Rng) => void> = {
  typeChange: (o, rng) => { const ps = paths(o); if (ps.length) setPath(o, pick(rng, ps), pick(rng, WEIRD_VALUES)); },
  removeField: (o, rng) => { const ps = paths(o); if (ps.length) setPath(o, pick(rng, ps), undefined, true); },
  removeRequired: (o, rng) => {
    const opts: (string | number)[][] = [['metadata', 'name'], ['apiVersion'], ['kind'], ['metadata'], ['results', 0, 'policy'], ['results', 0, 'timestamp', 'seconds']];
    const p = pick(rng, opts);
    try { setPath(o, p, undefined, true); } catch { /* path absent: fine */ }
  },
  badEnum: (o, rng) => {
    const r = o.results?.[Math.floor(rng() * (o.results?.length ?? 1))];
    if (r) r[pick(rng, ['result', 'severity'])] = pick(rng, BAD_ENUMS);
  },
  badNumber: (o, rng) => {
    const n = pick(rng, [-1, -(2 ** 40), 2 ** 63, 1e300, 1.25, 2e9, -0.5]);
    const r = o.results?.[0];
    const which = pick(rng, ['summary', 'seconds', 'nanos', 'maxResults']);
    if (which === 'summary') o.summary = { ...o.summary, [pick(rng, ['pass', 'fail', 'warn', 'error', 'skip'])]: n };
    else if (which === 'maxResults') o.configuration = { limits: { maxResults: n } };
    else if (r) r.timestamp = { seconds: 1, nanos: 0, ...r.timestamp, [which]: n };
  },
  unicode: (o, rng) => {
    const r = o.results?.[0];
    if (r) r.message = pick(rng, STRANGE_TEXT);
    o.metadata.labels = { ...o.metadata.labels, [pick(rng, ['ok', 'bad key', 'ünï', 'a/b/c'])]: pick(rng, STRANGE_TEXT) };
  },
  deepNesting: (o, rng) => {
    const r = o.results?.[0];
    const value = `${DEEP_MARK}${pick(rng, [50, 500, 5000])}`;
    if (r && rng() < 0.5) r.properties = { nested: value };
    else o.extra = value;
  },
  wrongKind: (o, rng) => {
    const [apiVersion, kind] = pick(rng, [['v1', 'Pod'], ['wgpolicyk8s.io/v9', 'PolicyReport'], ['openreports.io/v1alpha1', 'PolicyReport'], ['wgpolicyk8s.io/v1alpha2', 'Report'], ['', ''], ['wgpolicyk8s.io/v1alpha2', 'PolicyReportList']]);
    o.apiVersion = apiVersion;
    o.kind = kind;
  },
  badName: (o, rng) => { o.metadata.name = pick(rng, BAD_NAMES); },
  generateName: (o) => { delete o.metadata.name; o.metadata.generateName = 'fz-gen-'; },
  hugeArray: (o) => { o.results = Array.from({ length: 3000 }, (_, i) => ({ policy: `p${i}`, result: 'pass', message: 'm'.repeat(100) })); },
  serverFields: (o, rng) => { o.metadata[pick(rng, ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'deletionTimestamp'])] = pick(rng, ['12', 'abc', -4, '2020-01-01T00:00:00Z']); },
};

export const MUTATOR_NAMES = Object.keys(MUTATORS);

/** Builds one fuzz request from a base report (not modified). */
export function mutate(base: Json, rng: Rng, i: number): FuzzRequest {
  const resource = pick(rng, RESOURCE_TYPES);
  const version = pick(rng, resource.versions);
  const o: Json = structuredClone(base);
  o.apiVersion = `${resource.group}/${version}`;
  o.kind = resource.kind;
  o.metadata = { ...o.metadata, name: `fz-${i % 300}` };
  const namespace = o.metadata.namespace ?? 'fuzz';
  if (!resource.namespaced) delete o.metadata.namespace;
  const what: string[] = [];
  const n = rng() < 0.1 ? 0 : 1 + Math.floor(rng() * 3);
  for (let j = 0; j < n; j++) {
    const name = pick(rng, MUTATOR_NAMES);
    try {
      MUTATORS[name]!(o, rng);
      what.push(name);
    } catch {
      // An earlier mutation removed what this one needs (e.g. metadata): skip it.
    }
  }
  const method = pick(rng, ['POST', 'POST', 'POST', 'PUT', 'PATCH'] as const);
  let body = (JSON.stringify(o) ?? 'null').replace(new RegExp(`"${DEEP_MARK}(\\d+)"`, 'g'), (_, d: string) => deepText(Number(d)));
  let contentType = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  const wire = rng();
  if (wire < 0.06) { body = body.slice(0, Math.floor(rng() * body.length)); what.push('truncated'); }
  else if (wire < 0.08) { contentType = pick(rng, ['text/plain', 'application/xml', 'application/json-patch+json']); what.push(`contentType:${contentType}`); }
  else if (wire < 0.1) { body = pick(rng, ['', 'null', '[]', '"str"', '42', '{"a":', '\u0000\u0001', '{}{}']); what.push('junkBody'); }
  const urlName = method === 'POST' ? undefined : rng() < 0.8 ? (typeof o.metadata?.name === 'string' ? o.metadata.name : `fz-${i % 300}`) : pick(rng, BAD_NAMES.filter(Boolean));
  return { resource, version, method, urlName, namespace: typeof namespace === 'string' && namespace ? namespace : 'fuzz', contentType, body, what };
}

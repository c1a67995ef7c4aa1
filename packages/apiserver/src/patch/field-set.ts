/**
 * Field sets for managedFields, in kube's `FieldsV1` vocabulary. A path is a list of elements:
 * `f:<field>` for an object key, `k:<json of key fields>` for an item of an associative list,
 * `v:<json value>` for an item of a set. A set of paths encodes to the FieldsV1 trie, where `"."`
 * marks a node that is itself a member and has children.
 *
 * Report CRDs declare no list merge keys, so every list is atomic (owned as one leaf) except the
 * two metadata lists kube itself merges: `finalizers` (a set) and `ownerReferences` (keyed by uid).
 * Objects — structs and string maps such as labels, annotations and `properties` — are granular.
 */

export type PathElement = string;
export type FieldPath = readonly PathElement[];
export type Json = Record<string, unknown>;

export type ListStrategy = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: readonly string[] };

/** How the list at `path` (object field names only) merges. */
export function listStrategy(fieldNames: readonly string[]): ListStrategy {
  const p = fieldNames.join('.');
  if (p === 'metadata.finalizers') return { type: 'set' };
  if (p === 'metadata.ownerReferences') return { type: 'map', keys: ['uid'] };
  return { type: 'atomic' };
}

/** Fields the server owns: never part of any manager's set (kube strips the same ones). */
const STRIPPED = new Set(['f:apiVersion', 'f:kind', 'f:metadata\0f:name', 'f:metadata\0f:namespace', 'f:metadata\0f:uid',
  'f:metadata\0f:resourceVersion', 'f:metadata\0f:generation', 'f:metadata\0f:creationTimestamp', 'f:metadata\0f:managedFields',
  'f:metadata\0f:selfLink', 'f:metadata\0f:deletionTimestamp', 'f:metadata\0f:deletionGracePeriodSeconds', 'f:metadata\0f:generateName',
  'f:status']);

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const fieldNamesOf = (path: FieldPath): string[] => path.filter((e) => e.startsWith('f:')).map((e) => e.slice(2));

/** Canonical JSON (sorted keys) so equal values and list keys compare and print identically. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** Structural equality of JSON values (object key order ignored); cheaper than comparing canonical strings. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a) && isObject(b)) {
    // Keys holding undefined count as absent; counted in place (this runs on every PUT's results).
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    let na = 0;
    for (const k of ka) {
      if (a[k] === undefined) continue;
      na++;
      if (!jsonEqual(a[k], b[k])) return false;
    }
    let nb = 0;
    for (const k of kb) if (b[k] !== undefined) nb++;
    return na === nb;
  }
  return false;
}

/** The path element that names `item` inside a list with strategy `s` (undefined for atomic lists). */
export function itemElement(item: unknown, s: ListStrategy): PathElement | undefined {
  if (s.type === 'set') return `v:${canonical(item)}`;
  if (s.type === 'map' && isObject(item)) {
    // canonical() of the object of key fields, written directly (runs for every owner reference on every write).
    const keys = s.keys.length > 1 ? [...s.keys].sort() : s.keys;
    let out = 'k:{';
    for (let i = 0; i < keys.length; i++) out += `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:${canonical(item[keys[i]!])}`;
    return `${out}}`;
  }
  return undefined;
}

/** A set of field paths. Keys join elements with NUL, which never occurs in JSON text we produce. */
export class FieldSet {
  private readonly paths = new Map<string, FieldPath>();
  constructor(paths: Iterable<FieldPath> = []) { for (const p of paths) this.add(p); }
  static key(p: FieldPath): string { return p.join('\0'); }
  add(p: FieldPath): this { this.paths.set(FieldSet.key(p), [...p]); return this; }
  /**
   * Adds a path whose key the caller already built (hot walks build keys incrementally instead
   * of joining every path). `p` is kept as given: the caller must not mutate it afterwards.
   */
  addKeyed(key: string, p: FieldPath): this { if (!this.paths.has(key)) this.paths.set(key, p); return this; }
  has(p: FieldPath): boolean { return this.paths.has(FieldSet.key(p)); }
  hasKey(key: string): boolean { return this.paths.has(key); }
  delete(p: FieldPath): boolean { return this.paths.delete(FieldSet.key(p)); }
  get size(): number { return this.paths.size; }
  [Symbol.iterator](): IterableIterator<FieldPath> { return this.paths.values(); }
  /** Key/path pairs, in insertion order. */
  entries(): IterableIterator<[string, FieldPath]> { return this.paths.entries(); }
  union(o: FieldSet): FieldSet { return new FieldSet([...this, ...o]); }
  minus(o: FieldSet): FieldSet { return new FieldSet([...this].filter((p) => !o.has(p))); }
  intersect(o: FieldSet): FieldSet { return new FieldSet([...this].filter((p) => o.has(p))); }
  /** Paths that equal `p` or lie below it. */
  under(p: FieldPath): FieldPath[] { return [...this].filter((q) => q.length >= p.length && p.every((e, i) => q[i] === e)); }
}

/**
 * The leaf fields present in `obj`: scalars, nulls, empty objects, atomic lists, and set/map list
 * items (members themselves, with their own fields below them for map lists).
 */
export function fieldSetOf(obj: unknown): FieldSet {
  const set = new FieldSet();
  walkLeaves(obj, (key, path) => { set.addKeyed(key, path); });
  return set;
}

/**
 * Calls `visit` for every leaf path of `obj` (what fieldSetOf collects, in the same order,
 * duplicates included). Every write runs this, so keys are built incrementally rather than by
 * joining each path, and `before` (when given) is followed alongside: when `plain` is true,
 * `visit` gets the values valueAt would find at that path in `before` and in `obj`, without
 * walking from the root again (false only below a repeated list item, where the caller must
 * look the values up itself).
 */
export function walkLeaves(obj: unknown, visit: (key: string, path: FieldPath, value: unknown, before: unknown, plain: boolean) => void, before?: unknown): void {
  const walk = (v: unknown, b: unknown, path: PathElement[], key: string, plain: boolean): void => {
    if (path.length && STRIPPED.has(key)) return;
    if (isObject(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0 && path.length) visit(key, path, v, b, plain);
      const bo = isObject(b) ? b : undefined;
      for (const k of keys) {
        const el = `f:${k}`;
        walk(v[k], bo?.[k], [...path, el], path.length ? `${key}\0${el}` : el, plain);
      }
      return;
    }
    if (Array.isArray(v)) {
      const s = listStrategy(fieldNamesOf(path));
      if (s.type === 'atomic') { visit(key, path, v, b, plain); return; }
      // An item is found by its element, first match winning (as valueAt does); only the first
      // item naming an element can be compared on the way down, duplicates fall back to valueAt.
      const seen = new Set<PathElement | undefined>();
      let olds: Map<PathElement | undefined, unknown> | undefined;
      for (const item of v) {
        const el = itemElement(item, s);
        const first = plain && !seen.has(el);
        seen.add(el);
        let old: unknown;
        if (first && Array.isArray(b)) {
          olds ??= firstItems(b, s);
          old = olds.get(el);
        }
        const itemPath = [...path, el as PathElement];
        const itemKey = `${key}\0${el ?? ''}`;
        visit(itemKey, itemPath, item, old, first);
        if (s.type === 'map' && isObject(item)) {
          const oo = isObject(old) ? old : undefined;
          for (const k of Object.keys(item)) walk(item[k], oo?.[k], [...itemPath, `f:${k}`], `${itemKey}\0f:${k}`, first);
        }
      }
      return;
    }
    if (path.length) visit(key, path, v, b, plain);
  };
  walk(obj, before, [], '', true);
}

/**
 * toFieldsV1(fieldSetOf(obj)) without the intermediate set (a create owns every field it sent):
 * the same trie, keys in the same order; undefined when `obj` has no fields to own.
 */
export function fieldsV1Of(obj: unknown): Json | undefined {
  const root: Json = {};
  const members: Json[] = [];
  walkLeaves(obj, (_key, path) => {
    let node = root;
    for (const el of path) node = (node[el] ??= {}) as Json;
    members.push(node);
  });
  if (members.length === 0) return undefined;
  for (const node of members) if (hasChild(node)) node['.'] = {};
  return root;
}

/** The first item of `list` for each element it names. */
function firstItems(list: readonly unknown[], s: ListStrategy): Map<PathElement | undefined, unknown> {
  const m = new Map<PathElement | undefined, unknown>();
  for (const item of list) {
    const el = itemElement(item, s);
    if (!m.has(el)) m.set(el, item);
  }
  return m;
}

/** Encodes a set as a FieldsV1 trie. */
export function toFieldsV1(set: FieldSet): Json {
  const root: Json = {};
  const members: Json[] = [];
  for (const p of set) {
    let node = root;
    for (const el of p) node = (node[el] ??= {}) as Json;
    members.push(node);
  }
  // A member with children carries "." so the decoder can tell it from a plain container.
  for (const node of members) if (hasChild(node)) node['.'] = {};
  return root;
}

function hasChild(node: Json): boolean {
  for (const k in node) if (k !== '.') return true;
  return false;
}

/** Decodes a FieldsV1 trie; unknown shapes are skipped rather than failing the request. */
export function fromFieldsV1(trie: unknown): FieldSet {
  const set = new FieldSet();
  const walk = (node: unknown, path: PathElement[], key: string): void => {
    if (!isObject(node)) return;
    const children = Object.keys(node).filter((k) => k !== '.');
    if (path.length && (children.length === 0 || '.' in node)) set.addKeyed(key, path);
    for (const k of children) walk(node[k], [...path, k], path.length ? `${key}\0${k}` : k);
  };
  walk(trie, [], '');
  return set;
}

/** Finds the item of `list` that `el` (`k:`/`v:`) names, by index. */
function findItem(list: unknown[], el: PathElement, s: ListStrategy): number {
  return list.findIndex((item) => itemElement(item, s) === el);
}

/** The value at `path` in `obj`, or undefined when absent. */
export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur: unknown = obj;
  const names: string[] = [];
  for (const el of path) {
    if (el.startsWith('f:')) {
      if (!isObject(cur)) return undefined;
      cur = cur[el.slice(2)];
      names.push(el.slice(2));
    } else {
      if (!Array.isArray(cur)) return undefined;
      const i = findItem(cur, el, listStrategy(names));
      cur = i < 0 ? undefined : cur[i];
    }
  }
  return cur;
}

/** Removes the field at `path` from `obj` (mutating it), then drops objects left empty by the removal. */
export function removeAt(obj: Json, path: FieldPath): void {
  const chain: Array<{ parent: unknown; el: PathElement; names: string[] }> = [];
  let cur: unknown = obj;
  const names: string[] = [];
  for (const el of path) {
    chain.push({ parent: cur, el, names: [...names] });
    if (el.startsWith('f:')) { names.push(el.slice(2)); cur = isObject(cur) ? cur[el.slice(2)] : undefined; } else {
      cur = Array.isArray(cur) ? cur[findItem(cur, el, listStrategy(names))] : undefined;
    }
    if (cur === undefined) return;
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const { parent, el, names: n } = chain[i]!;
    if (el.startsWith('f:') && isObject(parent)) delete parent[el.slice(2)];
    else if (Array.isArray(parent)) parent.splice(findItem(parent, el, listStrategy(n)), 1);
    // Stop unless the parent became empty (an emptied map disappears, like kube's apply).
    const empty = isObject(parent) ? Object.keys(parent).length === 0 : Array.isArray(parent) && parent.length === 0;
    if (!empty || i === 0) break;
  }
}

/** A human path for messages: `.scope.kind`, `.metadata.finalizers[="x"]`, `.metadata.ownerReferences[uid="u"]`. */
export function pathString(path: FieldPath): string {
  return path.map((el) => {
    if (el.startsWith('f:')) return `.${el.slice(2)}`;
    if (el.startsWith('v:')) return `[=${el.slice(2)}]`;
    const keys = JSON.parse(el.slice(2)) as Json;
    return `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
  }).join('');
}

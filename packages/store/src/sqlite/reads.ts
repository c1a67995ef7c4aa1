/**
 * Reads: get, paginated list over a consistent snapshot, and the change-log reader used by watch
 * replay. A page at the current resourceVersion reads `objects` alone with selectors in SQL; a page
 * of an older snapshot (later pages, Exact reads) is the merge of current rows not newer than the
 * snapshot and history rows alive at it, so concurrent writes never shift what a list shows.
 */
import type Database from 'better-sqlite3';
import type { ReportObject } from '@docket/model';
import type { CollectionRef, ListOptions, ListResult, ObjectKey, Selectors } from '../types.ts';
import { decodeContinue, encodeContinue } from '../shared/continue-token.ts';
import { continueExpired, notFound, tooOldResourceVersion } from '../shared/errors.ts';
import { withResourceVersion } from '../shared/lifecycle.ts';
import { parseResourceVersion } from '../shared/options.ts';
import { hasSelectors, matchesSelectors } from '../shared/selectors.ts';
import type { ChangeEvent } from '../shared/watch-hub.ts';
import { decodeDoc, decodeHead, type DocRow, type RowIdentity } from './codec.ts';
import { selectorSql } from './selector-sql.ts';
import { CHANGE_TYPE_NAMES, type ObjectRow, type Statements } from './statements.ts';

interface PageRow extends DocRow { namespace: string; name: string; uid: string; rv: number }

const HISTORY_BATCH = 256;
const UNLIMITED_BATCH = 1000;

export interface ReadDeps {
  db: Database.Database;
  stmts: Statements;
  clusterId: string;
  currentRv(): number;
  compactedRv(): number;
}

export function createReads({ db, stmts, clusterId, currentRv, compactedRv }: ReadDeps) {
  const cache = new Map<string, Database.Statement>();
  const prep = (sql: string): Database.Statement => {
    let s = cache.get(sql);
    if (!s) { s = db.prepare(sql); cache.set(sql, s); }
    return s;
  };

  /** Collection and keyset conditions shared by the objects and history queries. */
  function scopeSql(alias: string, ref: CollectionRef, after: { ns: string; name: string } | undefined, params: unknown[]): string {
    const parts = [`${alias}.cluster_id = ?`, `${alias}.grp = ?`, `${alias}.resource = ?`];
    params.push(clusterId, ref.group, ref.resource);
    if (ref.namespace !== undefined) {
      parts.push(`${alias}.namespace = ?`);
      params.push(ref.namespace);
      if (after) { parts.push(`${alias}.name > ?`); params.push(after.name); }
    } else if (after) {
      parts.push(`(${alias}.namespace, ${alias}.name) > (?, ?)`);
      params.push(after.ns, after.name);
    }
    return parts.join(' AND ');
  }

  function currentRows(ref: CollectionRef, sel: Selectors, after: { ns: string; name: string } | undefined,
    snapshot: number | undefined, want: number, full: boolean): PageRow[] {
    const params: unknown[] = [];
    let where = scopeSql('o', ref, after, params);
    if (snapshot !== undefined) { where += ' AND o.rv <= ?'; params.push(snapshot); }
    const s = selectorSql('o', sel, params);
    if (s) where += ` AND ${s}`;
    params.push(want);
    const cols = `o.namespace, o.name, o.uid, o.rv, o.head, o.mf, ${full ? 'o.results' : 'NULL AS results'}`;
    return prep(`SELECT ${cols} FROM objects o WHERE ${where} ORDER BY o.namespace, o.name LIMIT ?`).all(...params) as PageRow[];
  }

  /** Versions alive at `snapshot` but since superseded; selectors are checked on the decoded head. */
  function historyRows(ref: CollectionRef, sel: Selectors, after: { ns: string; name: string } | undefined,
    snapshot: number, want: number, full: boolean): PageRow[] {
    const out: PageRow[] = [];
    let cursor = after;
    const cols = `h.namespace, h.name, h.uid, h.rv_from AS rv, h.head, h.mf, ${full ? 'h.results' : 'NULL AS results'}`;
    while (out.length < want) {
      const params: unknown[] = [];
      const where = `${scopeSql('h', ref, cursor, params)} AND h.rv_from <= ? AND h.rv_to > ?`;
      params.push(snapshot, snapshot, HISTORY_BATCH);
      const batch = prep(`SELECT ${cols} FROM history h WHERE ${where} ORDER BY h.namespace, h.name LIMIT ?`).all(...params) as PageRow[];
      for (const r of batch) {
        if (!hasSelectors(sel) || matchesSelectors(decodeHead(r.head, r.mf, rowIdentity(ref, r)), sel)) out.push(r);
      }
      if (batch.length < HISTORY_BATCH) break;
      const last = batch[batch.length - 1]!;
      cursor = { ns: last.namespace, name: last.name };
    }
    return out;
  }

  function readPage(ref: CollectionRef, sel: Selectors, after: { ns: string; name: string } | undefined,
    snapshot: number, atHead: boolean, want: number, full: boolean): PageRow[] {
    const cur = currentRows(ref, sel, after, atHead ? undefined : snapshot, want, full);
    if (atHead) return cur;
    const hist = historyRows(ref, sel, after, snapshot, want, full);
    if (hist.length === 0) return cur;
    const merged = [...cur, ...hist].sort((a, b) => compareKey(a, b));
    return merged.slice(0, want);
  }

  /** Current number of objects in a collection, from the per-namespace counts. */
  function countAll(ref: CollectionRef): number {
    const params: unknown[] = [clusterId, ref.group, ref.resource];
    let where = 'cluster_id = ? AND grp = ? AND resource = ?';
    if (ref.namespace !== undefined) { where += ' AND namespace = ?'; params.push(ref.namespace); }
    return (prep(`SELECT coalesce(sum(n), 0) FROM counts WHERE ${where}`).pluck().get(...params) as number);
  }

  function list(ref: CollectionRef, opts: ListOptions = {}): ListResult {
    const head = currentRv();
    let snapshot = head;
    let after: { ns: string; name: string } | undefined;
    let offset = 0;
    if (opts.continue) {
      const pos = decodeContinue(opts.continue);
      offset = pos.offset ?? 0;
      if (pos.rv < compactedRv()) throw continueExpired();
      snapshot = Math.min(pos.rv, head);
      after = { ns: pos.ns, name: pos.name };
    } else if (opts.resourceVersionMatch === 'Exact') {
      const rv = parseResourceVersion(opts.resourceVersion);
      if (rv !== undefined && rv !== 0) {
        if (rv < compactedRv()) throw tooOldResourceVersion(rv, compactedRv());
        snapshot = Math.min(rv, head);
      }
    }
    const sel: Selectors = { labels: opts.labels, fields: opts.fields };
    const full = opts.projection !== 'summary';
    const atHead = snapshot >= head;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    let rows: PageRow[];
    let more = false;
    if (limit > 0) {
      rows = readPage(ref, sel, after, snapshot, atHead, limit + 1, full);
      more = rows.length > limit;
      if (more) rows = rows.slice(0, limit);
    } else {
      rows = [];
      for (;;) {
        const batch = readPage(ref, sel, after, snapshot, atHead, UNLIMITED_BATCH, full);
        rows.push(...batch);
        if (batch.length < UNLIMITED_BATCH) break;
        const last = batch[batch.length - 1]!;
        after = { ns: last.namespace, name: last.name };
      }
    }
    const items = rows.map((r) => decodeDoc(r, rowIdentity(ref, r), full ? 'full' : 'summary'));
    const result: ListResult = { items, resourceVersion: String(snapshot) };
    if (more) {
      const last = rows[rows.length - 1]!;
      const pos = { ns: last.namespace, name: last.name };
      const returned = offset + rows.length;
      result.continue = encodeContinue({ rv: snapshot, ...pos, offset: returned });
      // An estimate (current count minus what was returned); kube omits it with selectors too.
      if (!hasSelectors(sel)) result.remainingItemCount = Math.max(0, countAll(ref) - returned);
    }
    return result;
  }

  function get(key: ObjectKey): ReportObject {
    const row = stmts.getObject.get(clusterId, key.group, key.resource, key.namespace, key.name) as ObjectRow | undefined;
    if (!row) throw notFound(key);
    return decodeDoc(row, { ...key, uid: row.uid, rv: row.rv });
  }

  interface ChangeRow {
    rv: number; type: number; namespace: string; name: string;
    o_head: string | null; o_mf: Buffer | null; o_results: Buffer | null; o_uid: string; o_rv: number;
    f_head: string | null; f_mf: Buffer | null; f_results: Buffer | null; f_uid: string; f_rv: number;
    p_head: string | null; p_mf: Buffer | null; p_results: Buffer | null; p_uid: string; p_rv: number;
  }

  function readChanges(ref: CollectionRef, afterRv: number, limit: number): ChangeEvent[] {
    const params: unknown[] = [afterRv, clusterId, ref.group, ref.resource];
    let where = 'c.rv > ? AND c.cluster_id = ? AND c.grp = ? AND c.resource = ?';
    if (ref.namespace !== undefined) { where += ' AND c.namespace = ?'; params.push(ref.namespace); }
    params.push(limit);
    const rows = prep(`SELECT c.rv, c.type, c.namespace, c.name,
        o.head AS o_head, o.mf AS o_mf, o.results AS o_results, o.uid AS o_uid, o.rv AS o_rv,
        hf.head AS f_head, hf.mf AS f_mf, hf.results AS f_results, hf.uid AS f_uid, hf.rv_from AS f_rv,
        hp.head AS p_head, hp.mf AS p_mf, hp.results AS p_results, hp.uid AS p_uid, hp.rv_from AS p_rv
      FROM changes c
      LEFT JOIN objects o ON o.rv = c.rv
      LEFT JOIN history hf ON hf.rv_from = c.rv
      LEFT JOIN history hp ON hp.rv_to = c.rv
      WHERE ${where} ORDER BY c.rv LIMIT ?`).all(...params) as ChangeRow[];
    const out: ChangeEvent[] = [];
    for (const r of rows) {
      const type = CHANGE_TYPE_NAMES[r.type] as ChangeEvent['type'];
      const id = (uid: string, rv: number): RowIdentity =>
        ({ group: ref.group, resource: ref.resource, namespace: r.namespace, name: r.name, uid, rv });
      const prev = r.p_head !== null ? decodeDoc({ head: r.p_head, mf: r.p_mf, results: r.p_results }, id(r.p_uid, r.p_rv)) : undefined;
      let object: ReportObject | undefined;
      if (type === 'DELETED') object = prev && withResourceVersion(prev, r.rv);
      else if (r.o_head !== null) object = decodeDoc({ head: r.o_head, mf: r.o_mf, results: r.o_results }, id(r.o_uid, r.o_rv));
      else if (r.f_head !== null) object = decodeDoc({ head: r.f_head, mf: r.f_mf, results: r.f_results }, id(r.f_uid, r.f_rv));
      if (!object) continue;
      out.push({ rv: r.rv, type, group: ref.group, resource: ref.resource, namespace: r.namespace, name: r.name, object, prev });
    }
    // Keep the replay cursor moving even when a row could not be materialised.
    if (out.length === 0 && rows.length > 0) return readChanges(ref, rows[rows.length - 1]!.rv, limit);
    return out;
  }

  return { list, get, readChanges };
}

function rowIdentity(ref: CollectionRef, r: PageRow): RowIdentity {
  return { group: ref.group, resource: ref.resource, namespace: r.namespace, name: r.name, uid: r.uid, rv: r.rv };
}

function compareKey(a: PageRow, b: PageRow): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

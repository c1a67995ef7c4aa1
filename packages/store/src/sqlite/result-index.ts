/**
 * Result rows written in bulk. A report write stores its document and flags the object
 * `results_stale` in that same row write; the result rows it computed wait here and reach the
 * `results` table together with those of many other reports, in one later write transaction.
 *
 * Why: `results_key` orders result rows by their interned attributes, so the ~17 rows of one report
 * land on ~17 different index pages. Written with each report, a commit of a few reports dirtied
 * some hundred pages (87 KB of WAL per create and 2/3 of the write CPU, measured); written for a few
 * hundred reports at once, the same hot pages take all their rows.
 *
 * Consistency: `countResults` flushes first, so a store answers for every write it acknowledged.
 * Another process on the same file may lag by one flush interval. A crash before the bulk write
 * leaves the flags: `recover` rebuilds those rows from the stored documents when the file is opened.
 */
import type Database from 'better-sqlite3';
import { resultRows, type ResultRow } from '../shared/rows.ts';
import { decodeResultsJson, decodeStored } from './codec.ts';
import type { TxContext } from './group-commit.ts';
import type { ResultRowWriter } from './result-rows.ts';

interface Entry {
  /** resourceVersion of the document the rows were computed from. */
  rv: number;
  rows: readonly ResultRow[];
}

interface StaleRow {
  id: number;
  rv: number;
  uid: string;
  grp: string;
  resource: string;
  namespace: string;
  name: string;
  head: string;
  mf: Buffer | null;
  results: Buffer | null;
}

export interface ResultIndex {
  /** Reports waiting for their rows. */
  readonly size: number;
  /** The write in `tx` stored object `id` at `rv` with these results (applied once `tx` commits). */
  stage(tx: TxContext, id: number, rv: number, rows: readonly ResultRow[]): void;
  /** The write in `tx` deleted object `id` (its rows are deleted by the caller). */
  drop(tx: TxContext, id: number): void;
  /** Inside a write transaction: writes the rows of up to `limit` waiting reports; returns how many. */
  flush(tx: TxContext, limit?: number): number;
  /** Inside a write transaction: rebuilds the rows of every flagged object of this cluster (after a crash). */
  recover(): number;
}

export function createResultIndex(db: Database.Database, clusterId: string, writer: ResultRowWriter): ResultIndex {
  const columns = 'id, rv, uid, grp, resource, namespace, name, head, mf, results';
  const state = db.prepare('SELECT rv FROM objects WHERE id = ?').pluck();
  const readStale = db.prepare(`SELECT ${columns} FROM objects WHERE id = ?`);
  const listStale = db.prepare(`SELECT ${columns} FROM objects WHERE cluster_id = ? AND results_stale IS NOT NULL`);
  const clear = db.prepare('UPDATE objects SET results_stale = NULL WHERE id = ?');
  const pending = new Map<number, Entry>();

  /** Rows of the document as stored now (another writer on the file changed it since it was staged). */
  function storedRows(row: StaleRow): ResultRow[] {
    const { grp: group, resource, namespace, name, uid, rv } = row;
    return resultRows(decodeStored(row, decodeResultsJson(row.results), { group, resource, namespace, name, uid, rv }));
  }

  return {
    get size() { return pending.size; },
    stage(tx, id, rv, rows) {
      tx.afterCommit(() => { pending.set(id, { rv, rows }); });
    },
    drop(tx, id) {
      tx.afterCommit(() => { pending.delete(id); });
    },
    flush(tx, limit = Infinity) {
      const done: [number, Entry][] = [];
      for (const [id, entry] of pending) {
        if (done.length >= limit) break;
        done.push([id, entry]);
        const rv = state.get(id) as number | undefined;
        if (rv === undefined) continue; // deleted meanwhile (by another store on the file)
        if (rv === entry.rv) writer.syncRows(id, entry.rows);
        else writer.syncRows(id, storedRows(readStale.get(id) as StaleRow));
        clear.run(id);
      }
      // Entries restaged by a later write of the same batch are newer: keep those.
      tx.afterCommit(() => { for (const [id, entry] of done) if (pending.get(id) === entry) pending.delete(id); });
      return done.length;
    },
    recover() {
      const rows = listStale.all(clusterId) as StaleRow[];
      for (const row of rows) {
        writer.syncRows(row.id, storedRows(row));
        clear.run(row.id);
      }
      return rows.length;
    },
  };
}

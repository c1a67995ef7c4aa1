/**
 * The write verbs of the PostgreSQL engine: lifecycle rules come from shared/lifecycle.ts, rows
 * are written set-wise (bulk.ts), single-object writes share group-commit transactions, and every
 * transaction ends by stamping its resourceVersions (tx.ts).
 */
import type pg from 'pg';
import type { ReportObject } from '@docket/model';
import { alreadyExists, conflict, notFound } from '../shared/errors.ts';
import { checkDeletePreconditions, planDelete, planUpdate, prepareCreate, resolveName, withResourceVersion } from '../shared/lifecycle.ts';
import type { CollectionRef, DeleteOptions, DeleteResult, ObjectKey, Selectors, UpdateOptions, WriteOptions } from '../types.ts';
import { fromRow } from './rows.ts';
import { Params, whereSql } from './sql-filter.ts';
import { keyWhere, runWrite } from './tx.ts';
import { clearResults, copyToHistory, removeMany, replaceMany, rowWrite, writeLabels } from './bulk.ts';
import type { Change } from './tx.ts';
import type { GroupCommitter, PlannedWrite } from './group-commit.ts';

export interface WriteDeps {
  pool: pg.Pool;
  clusterId: string;
  now: () => Date;
  commit: GroupCommitter;
}

function change(key: ObjectKey, type: Change['type']): Change {
  return { group: key.group, resource: key.resource, namespace: key.namespace, name: key.name, type };
}

export async function createObject(deps: WriteDeps, key: ObjectKey, obj: ReportObject, opts: WriteOptions = {}): Promise<ReportObject> {
  const name = resolveName(key, obj);
  const full = { ...key, name };
  const prepared = prepareCreate(key, obj, name, deps.now());
  if (opts.dryRun) {
    if (await exists(deps.pool, full, deps.clusterId)) throw alreadyExists(full);
    return prepared;
  }
  return deps.commit.run({
    key: full,
    lock: false,
    plan: () => ({ action: 'insert', object: prepared }),
    result: (w, rv) => withResourceVersion(w.object, rv),
  });
}

export async function updateObjectVerb(deps: WriteDeps, key: ObjectKey, obj: ReportObject, opts: UpdateOptions = {}): Promise<ReportObject> {
  return deps.commit.run({
    key,
    lock: true,
    plan(existing): PlannedWrite {
      if (!existing) throw notFound(key);
      if (opts.expectedResourceVersion && opts.expectedResourceVersion !== existing.metadata.resourceVersion) throw conflict(key);
      const plan = planUpdate(key, existing, obj);
      if (plan.action === 'noop' || opts.dryRun) return { action: 'none', object: plan.object };
      return { action: plan.action === 'delete' ? 'remove' : 'replace', object: plan.object, old: existing };
    },
    result: (w, rv) => (rv ? withResourceVersion(w.object, rv) : w.object),
  });
}

export async function deleteObjectVerb(deps: WriteDeps, key: ObjectKey, opts: DeleteOptions = {}): Promise<DeleteResult> {
  let deleted = false;
  return deps.commit.run({
    key,
    lock: true,
    plan(existing): PlannedWrite {
      if (!existing) throw notFound(key);
      checkDeletePreconditions(key, existing, opts);
      const plan = planDelete(existing, deps.now());
      deleted = plan.action === 'delete';
      if (plan.action === 'noop' || opts.dryRun) return { action: 'none', object: plan.object };
      return { action: deleted ? 'remove' : 'replace', object: plan.object, old: existing };
    },
    result: (w, rv) => ({ object: rv ? withResourceVersion(w.object, rv) : w.object, deleted }),
  });
}

/** Deletes (or marks) every match in one transaction, locking rows in key order. */
export async function deleteCollectionVerb(deps: WriteDeps, ref: CollectionRef, sel: Selectors, opts: WriteOptions = {}): Promise<ReportObject[]> {
  const id = deps.clusterId;
  return runWrite(deps.pool, id, async (c) => {
    const p = new Params();
    const where = whereSql(p, id, ref, sel, 'o', 'objects');
    const r = await c.query<{ namespace: string; name: string; head: Record<string, unknown>; results: unknown[] | null; rv: string }>(
      `SELECT o.namespace, o.name, o.head, o.results, o.rv FROM docket_objects o WHERE ${where.join(' AND ')}
       ORDER BY o.namespace, o.name FOR UPDATE`, p.values);
    const changes: Change[] = [];
    const outcomes: { object: ReportObject; changeIndex?: number }[] = [];
    const removes: ObjectKey[] = [];
    const marks: { key: ObjectKey; object: ReportObject }[] = [];
    for (const row of r.rows) {
      const plan = planDelete(fromRow(row.head, row.rv, row.results), deps.now());
      if (plan.action === 'noop' || opts.dryRun) { outcomes.push({ object: plan.object }); continue; }
      const key = { group: ref.group, resource: ref.resource, namespace: row.namespace, name: row.name };
      if (plan.action === 'delete') removes.push(key);
      else marks.push({ key, object: plan.object });
      outcomes.push({ object: plan.object, changeIndex: changes.length });
      changes.push(change(key, plan.action === 'delete' ? 'DELETED' : 'MODIFIED'));
    }
    // Marking only sets deletionTimestamp: results and labels stay as they are.
    await copyToHistory(c, id, [...removes, ...marks.map((m) => m.key)]);
    await replaceMany(c, id, marks.map((m) => rowWrite(m.key, m.object)), marks.map(() => true));
    await clearResults(c, id, removes);
    await removeMany(c, id, removes);
    await writeLabels(c, id, removes, []);
    return {
      changes,
      result: (base) => outcomes.map((o) => (o.changeIndex === undefined ? o.object : withResourceVersion(o.object, base + o.changeIndex + 1))),
    };
  });
}

/** Whether the key exists now (dry-run create). */
async function exists(pool: pg.Pool, k: ObjectKey, clusterId: string): Promise<boolean> {
  const r = await pool.query(`SELECT 1 FROM docket_objects WHERE ${keyWhere('', 1)}`, [clusterId, k.group, k.resource, k.namespace, k.name]);
  return r.rowCount !== 0;
}

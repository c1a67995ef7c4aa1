/**
 * The write verbs of the PostgreSQL engine: lifecycle rules come from shared/lifecycle.ts, rows
 * from row-ops.ts, and every transaction ends by stamping its resourceVersions (tx.ts).
 */
import type pg from 'pg';
import type { ReportObject } from '@docket/model';
import { alreadyExists, conflict, notFound } from '../shared/errors.ts';
import { checkDeletePreconditions, planDelete, planUpdate, prepareCreate, resolveName, withResourceVersion } from '../shared/lifecycle.ts';
import type { CollectionRef, DeleteOptions, DeleteResult, ObjectKey, Selectors, UpdateOptions, WriteOptions } from '../types.ts';
import { exists, removeObject, replaceObject } from './row-ops.ts';
import type { RowKey } from './row-ops.ts';
import { fromRow } from './rows.ts';
import { Params, whereSql } from './sql-filter.ts';
import { runWrite } from './tx.ts';
import type { Change } from './tx.ts';
import type { GroupCommitter, PlannedWrite } from './group-commit.ts';

export interface WriteDeps {
  pool: pg.Pool;
  clusterId: string;
  now: () => Date;
  commit: GroupCommitter;
}

function rowKey(deps: WriteDeps, key: ObjectKey): RowKey {
  return { clusterId: deps.clusterId, group: key.group, resource: key.resource, namespace: key.namespace, name: key.name };
}

function change(key: ObjectKey, type: Change['type']): Change {
  return { group: key.group, resource: key.resource, namespace: key.namespace, name: key.name, type };
}

export async function createObject(deps: WriteDeps, key: ObjectKey, obj: ReportObject, opts: WriteOptions = {}): Promise<ReportObject> {
  const name = resolveName(key, obj);
  const full = { ...key, name };
  const prepared = prepareCreate(key, obj, name, deps.now());
  if (opts.dryRun) {
    if (await exists(deps.pool, rowKey(deps, full))) throw alreadyExists(full);
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
  return runWrite(deps.pool, deps.clusterId, async (c) => {
    const p = new Params();
    const where = whereSql(p, deps.clusterId, ref, sel, 'o', 'objects');
    const r = await c.query<{ namespace: string; name: string; head: Record<string, unknown>; results: unknown[] | null; rv: string }>(
      `SELECT o.namespace, o.name, o.head, o.results, o.rv FROM docket_objects o WHERE ${where.join(' AND ')}
       ORDER BY o.namespace, o.name FOR UPDATE`, p.values);
    const changes: Change[] = [];
    const outcomes: { object: ReportObject; changeIndex?: number }[] = [];
    for (const row of r.rows) {
      const existing = fromRow(row.head, row.rv, row.results);
      const plan = planDelete(existing, deps.now());
      if (plan.action === 'noop' || opts.dryRun) { outcomes.push({ object: plan.object }); continue; }
      const k = rowKey(deps, { ...ref, namespace: row.namespace, name: row.name });
      if (plan.action === 'delete') await removeObject(c, k);
      else await replaceObject(c, k, plan.object, existing);
      outcomes.push({ object: plan.object, changeIndex: changes.length });
      changes.push(change({ ...ref, namespace: row.namespace, name: row.name }, plan.action === 'delete' ? 'DELETED' : 'MODIFIED'));
    }
    return {
      changes,
      result: (base) => outcomes.map((o) => (o.changeIndex === undefined ? o.object : withResourceVersion(o.object, base + o.changeIndex + 1))),
    };
  });
}

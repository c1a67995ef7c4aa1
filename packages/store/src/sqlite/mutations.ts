/**
 * The write operations (create, update, delete) as group-commit ops. Each runs synchronously inside
 * the batch transaction: read the current row, apply the shared lifecycle rules, write the object,
 * its label and result rows, the superseded version into history and one change-log entry.
 */
import type Database from 'better-sqlite3';
import type { ReportObject } from '@docket/model';
import type { DeleteOptions, DeleteResult, ObjectKey, UpdateOptions, WriteOptions } from '../types.ts';
import { alreadyExists, conflict, notFound } from '../shared/errors.ts';
import {
  checkDeletePreconditions, planDelete, planUpdate, prepareCreate, resolveName, withResourceVersion,
} from '../shared/lifecycle.ts';
import { labelPairs, objectColumns, resultRows } from '../shared/rows.ts';
import type { ChangeEvent } from '../shared/watch-hub.ts';
import { decodeResultsJson, decodeStored, encodeDoc, type RowIdentity } from './codec.ts';
import type { TxContext, WriteOp } from './group-commit.ts';
import { createResultIndex } from './result-index.ts';
import { createKeyDictionary, createResultRowWriter } from './result-rows.ts';
import { CHANGE_TYPES, type ObjectRow, type Statements } from './statements.ts';

export interface MutationDeps {
  db: Database.Database;
  stmts: Statements;
  clusterId: string;
}

export function createMutations({ db, stmts, clusterId }: MutationDeps) {
  const keys = createKeyDictionary(db, clusterId);
  const resultWriter = createResultRowWriter(db, keys);
  const resultIndex = createResultIndex(db, clusterId, resultWriter);
  const keyArgs = (k: ObjectKey) => [clusterId, k.group, k.resource, k.namespace, k.name] as const;
  const collArgs = (k: ObjectKey) => [clusterId, k.group, k.resource, k.namespace] as const;

  const identity = (k: ObjectKey, uid: string, rv: number): RowIdentity =>
    ({ group: k.group, resource: k.resource, namespace: k.namespace, name: k.name, uid, rv });

  function readRow(key: ObjectKey): ObjectRow | undefined {
    return stmts.getObject.get(...keyArgs(key)) as ObjectRow | undefined;
  }

  function writeLabels(id: number, obj: ReportObject): void {
    for (const [k, v] of labelPairs(obj)) stmts.insertLabel.run(id, k, v, clusterId);
  }

  function change(tx: TxContext, rv: number, type: ChangeEvent['type'], key: ObjectKey): void {
    stmts.insertChange.run(rv, tx.now.getTime(), CHANGE_TYPES[type], clusterId, key.group, key.resource, key.namespace, key.name);
  }

  function event(rv: number, type: ChangeEvent['type'], key: ObjectKey, object: ReportObject, prev?: ReportObject): ChangeEvent {
    return { rv, type, group: key.group, resource: key.resource, namespace: key.namespace, name: key.name, object, prev };
  }

  function insert(tx: TxContext, key: ObjectKey, obj: ReportObject): { value: ReportObject; events: ChangeEvent[] } {
    const rv = tx.nextRv();
    const stored = withResourceVersion(obj, rv);
    const enc = encodeDoc(stored, identity(key, stored.metadata.uid!, rv));
    const c = objectColumns(stored);
    const { lastInsertRowid } = stmts.insertObject.run(clusterId, key.group, key.resource, key.namespace, key.name,
      stored.metadata.uid, rv, c.scopeKind, c.scopeName, c.scopeNamespace, c.scopeUid, c.source, enc.head, enc.mf, enc.results);
    const id = Number(lastInsertRowid);
    writeLabels(id, stored);
    resultIndex.stage(tx, id, rv, resultRows(stored));
    stmts.countUp.run(...collArgs(key));
    change(tx, rv, 'ADDED', key);
    return { value: stored, events: [event(rv, 'ADDED', key, stored)] };
  }

  /** Supersedes the current row with `next` (MODIFIED). */
  function replace(tx: TxContext, key: ObjectKey, row: ObjectRow, prev: ReportObject, next: ReportObject, prevResultsJson: string | null) {
    const rv = tx.nextRv();
    const stored = withResourceVersion(next, rv);
    const enc = encodeDoc(stored, identity(key, row.uid, rv));
    const c = objectColumns(stored);
    const resultsChanged = enc.resultsJson !== prevResultsJson;
    stmts.toHistory.run(rv, row.id);
    stmts.updateObject.run(rv, c.scopeKind, c.scopeName, c.scopeNamespace, c.scopeUid, c.source, enc.head, enc.mf, enc.results,
      resultsChanged ? 1 : null, row.id);
    if (JSON.stringify(prev.metadata.labels ?? {}) !== JSON.stringify(stored.metadata.labels ?? {})) {
      stmts.deleteLabels.run(row.id);
      writeLabels(row.id, stored);
    }
    if (resultsChanged) resultIndex.stage(tx, row.id, rv, resultRows(stored));
    change(tx, rv, 'MODIFIED', key);
    return { value: stored, events: [event(rv, 'MODIFIED', key, stored, prev)] };
  }

  /** Removes the current row (DELETED); `last` is the final state reported to clients. */
  function remove(tx: TxContext, key: ObjectKey, row: ObjectRow, prev: ReportObject, last: ReportObject) {
    const rv = tx.nextRv();
    const final = withResourceVersion(last, rv);
    stmts.toHistory.run(rv, row.id);
    stmts.deleteLabels.run(row.id);
    stmts.deleteResults.run(row.id);
    resultIndex.drop(tx, row.id);
    stmts.deleteObject.run(row.id);
    stmts.countDown.run(...collArgs(key));
    change(tx, rv, 'DELETED', key);
    return { value: final, events: [event(rv, 'DELETED', key, final, prev)] };
  }

  function create(key: ObjectKey, obj: ReportObject, opts: WriteOptions = {}): WriteOp<ReportObject> {
    return (tx) => {
      let name = resolveName(key, obj);
      const generated = !key.name && !obj.metadata?.name;
      for (let attempt = 0; generated && attempt < 8 && stmts.exists.get(...keyArgs({ ...key, name })); attempt++) {
        name = resolveName(key, obj);
      }
      const k = { ...key, name };
      if (stmts.exists.get(...keyArgs(k))) throw alreadyExists(k);
      const prepared = prepareCreate(k, obj, name, tx.now);
      if (opts.dryRun) return { value: prepared };
      return insert(tx, k, prepared);
    };
  }

  function update(key: ObjectKey, obj: ReportObject, opts: UpdateOptions = {}): WriteOp<ReportObject> {
    return (tx) => {
      const row = readRow(key);
      if (!row) throw notFound(key);
      if (opts.expectedResourceVersion && opts.expectedResourceVersion !== String(row.rv)) throw conflict(key);
      const resultsJson = decodeResultsJson(row.results);
      const existing = decodeStored(row, resultsJson, identity(key, row.uid, row.rv));
      const plan = planUpdate(key, existing, obj);
      if (plan.action === 'noop' || opts.dryRun) return { value: plan.object };
      if (plan.action === 'delete') return remove(tx, key, row, existing, plan.object);
      return replace(tx, key, row, existing, plan.object, resultsJson);
    };
  }

  function del(key: ObjectKey, opts: DeleteOptions = {}): WriteOp<DeleteResult> {
    return (tx) => {
      const row = readRow(key);
      if (!row) throw notFound(key);
      const resultsJson = decodeResultsJson(row.results);
      const existing = decodeStored(row, resultsJson, identity(key, row.uid, row.rv));
      checkDeletePreconditions(key, existing, opts);
      const plan = planDelete(existing, tx.now);
      if (plan.action === 'noop') return { value: { object: existing, deleted: false } };
      if (opts.dryRun) return { value: { object: plan.object, deleted: plan.action === 'delete' } };
      if (plan.action === 'mark') {
        const r = replace(tx, key, row, existing, plan.object, resultsJson);
        return { value: { object: r.value, deleted: false }, events: r.events };
      }
      const r = remove(tx, key, row, existing, existing);
      return { value: { object: r.value, deleted: true }, events: r.events };
    };
  }

  return { create, update, delete: del, readRow, keys, resultIndex };
}

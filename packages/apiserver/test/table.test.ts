import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportObject } from '@docket/model';
import {
  tableColumns, tableRow, tableWatchObject, toPartialObjectMetadataList, toTable, valueAtPath,
} from '../src/table.ts';

const report = (name: string, extra: Partial<ReportObject> = {}): ReportObject => ({
  apiVersion: 'wgpolicyk8s.io/v1beta1', kind: 'PolicyReport',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7', creationTimestamp: '2026-01-02T03:04:05Z', labels: { a: 'b' } },
  scope: { apiVersion: 'v1', kind: 'Pod', name: 'web' },
  summary: { pass: 3, fail: 1, warn: 0, error: 0, skip: 2 },
  ...extra,
});

test('columns: Name first, then the CRD printer columns with Kind/Name at priority 1', () => {
  const cols = tableColumns();
  assert.deepEqual(cols.map((c) => [c.name, c.type, c.priority]), [
    ['Name', 'string', 0], ['Kind', 'string', 1], ['Name', 'string', 1], ['Pass', 'integer', 0], ['Fail', 'integer', 0],
    ['Warn', 'integer', 0], ['Error', 'integer', 0], ['Skip', 'integer', 0], ['Age', 'date', 0],
  ]);
  assert.equal(cols[0]!.format, 'name');
  for (const c of cols) assert.ok(c.description.length > 0, c.name);
});

test('rows carry cells from scope/summary and the timestamp string for Age; missing values are null', () => {
  assert.deepEqual(tableRow(report('r1'), { includeObject: 'None' }), { cells: ['r1', 'Pod', 'web', 3, 1, 0, 0, 2, '2026-01-02T03:04:05Z'] });
  const bare = report('r2', { scope: undefined, summary: { pass: 1 } });
  assert.deepEqual(tableRow(bare, { includeObject: 'None' }).cells, ['r2', null, null, 1, null, null, null, null, '2026-01-02T03:04:05Z']);
  assert.equal(valueAtPath({ a: { b: [1] } }, '.a.b.c'), undefined);
  // With a clock, the date cell is the age kubectl shows (it prints cells verbatim).
  const at = (iso: string) => tableRow(report('r3'), { includeObject: 'None', now: new Date(iso) }).cells.at(-1);
  assert.equal(at('2026-01-02T03:04:35Z'), '30s');
  assert.equal(at('2026-01-02T06:04:05Z'), '3h');
  assert.equal(at('2026-01-05T05:04:05Z'), '3d2h');
});

test('includeObject: Metadata (default) gives PartialObjectMetadata, Object the rendered object, None nothing', () => {
  const r = report('r1');
  assert.deepEqual(tableRow(r).object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: r.metadata });
  assert.equal(tableRow(r, { metaApiVersion: 'meta.k8s.io/v1beta1' }).object!.apiVersion, 'meta.k8s.io/v1beta1');
  const obj = tableRow(r, { includeObject: 'Object', toObject: (o) => ({ converted: o.metadata.name }) }).object;
  assert.deepEqual(obj, { converted: 'r1' });
  assert.equal('object' in tableRow(r, { includeObject: 'None' }), false);
});

test('a list Table keeps the list metadata; watch events drop headers after the first', () => {
  const t = toTable([report('a'), report('b')], { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 });
  assert.equal(t.kind, 'Table');
  assert.equal(t.apiVersion, 'meta.k8s.io/v1');
  assert.deepEqual(t.metadata, { resourceVersion: '42', continue: 'tok', remainingItemCount: 3 });
  assert.deepEqual(t.rows.map((r) => r.cells[0]), ['a', 'b']);
  assert.equal(t.columnDefinitions.length, 9);
  const first = tableWatchObject('ADDED', report('a'), true);
  const later = tableWatchObject('MODIFIED', report('a'), false);
  assert.equal(first.columnDefinitions.length, 9);
  assert.equal(later.columnDefinitions.length, 0);
  assert.equal(later.rows.length, 1);
  assert.deepEqual(first.metadata, { resourceVersion: '7' });
  const bookmark = tableWatchObject('BOOKMARK', { apiVersion: 'x', kind: 'PolicyReport', metadata: { resourceVersion: '99' } }, false);
  assert.deepEqual([bookmark.rows.length, bookmark.metadata.resourceVersion], [0, '99']);
});

test('PartialObjectMetadataList', () => {
  const l = toPartialObjectMetadataList([report('a')], { resourceVersion: '5' });
  assert.equal(l.kind, 'PartialObjectMetadataList');
  assert.deepEqual(l.metadata, { resourceVersion: '5' });
  assert.deepEqual((l.items as Array<{ kind: string; metadata: { uid: string } }>).map((i) => [i.kind, i.metadata.uid]), [['PartialObjectMetadata', 'uid-a']]);
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportObject } from '@docket/model';
import { applyWatchEvent, objectKey, reconcileList } from '../src/index.ts';

const obj = (name: string, rv: string, namespace = 'ns'): ReportObject => ({
  apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name, namespace, resourceVersion: rv },
});
const TM = { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport' };

describe('watch state', () => {
  it('keys namespaced and cluster-scoped objects apart', () => {
    assert.equal(objectKey(obj('a', '1')), 'ns/a');
    assert.equal(objectKey({ metadata: { name: 'a' } }), '/a');
  });

  it('applyWatchEvent records versions, drops replays and unknown deletes', () => {
    const seen = new Map<string, string>();
    assert.equal(applyWatchEvent(seen, 'ADDED', obj('a', '1'))?.type, 'ADDED');
    assert.equal(applyWatchEvent(seen, 'MODIFIED', obj('a', '1')), undefined, 'same resourceVersion again');
    assert.equal(applyWatchEvent(seen, 'MODIFIED', obj('a', '2'))?.type, 'MODIFIED');
    assert.equal(applyWatchEvent(seen, 'MODIFIED', obj('b', '3'))?.type, 'ADDED', 'first sight is an ADDED');
    assert.equal(applyWatchEvent(seen, 'DELETED', obj('zz', '4')), undefined);
    assert.equal(applyWatchEvent(seen, 'DELETED', obj('a', '5'))?.type, 'DELETED');
    assert.deepEqual([...seen], [['ns/b', '3']]);
  });

  it('reconcileList: initial list is plain ADDED; a relist yields only the differences', () => {
    const seen = new Map<string, string>();
    assert.deepEqual(reconcileList(seen, [obj('a', '1'), obj('b', '2')], TM).map((e) => [e.type, e.object.metadata.name, e.synthetic]),
      [['ADDED', 'a', undefined], ['ADDED', 'b', undefined]]);
    const evs = reconcileList(seen, [obj('a', '1'), obj('b', '7'), obj('c', '8')], TM);
    assert.deepEqual(evs.map((e) => [e.type, e.object.metadata.name, e.synthetic]), [['MODIFIED', 'b', true], ['ADDED', 'c', true]]);
    const gone = reconcileList(seen, [obj('c', '8')], TM);
    assert.deepEqual(gone.map((e) => e.object), [
      { ...TM, metadata: { name: 'a', namespace: 'ns', resourceVersion: '1' } },
      { ...TM, metadata: { name: 'b', namespace: 'ns', resourceVersion: '7' } },
    ]);
    assert.deepEqual([...seen], [['ns/c', '8']], 'memory holds only live keys and versions');
    const cluster = new Map([['/node-1', '3']]);
    assert.deepEqual(reconcileList(cluster, [], TM)[0]?.object.metadata, { name: 'node-1', resourceVersion: '3' });
  });
});

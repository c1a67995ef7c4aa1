import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopback, parseListen } from '../src/listen.ts';
import { describeStore, parseStoreUrl } from '../src/store-url.ts';
import { parseDocuments } from '../src/documents.ts';
import { isUnchanged, toTarget } from '../src/upsert.ts';
import { formatLogLine } from '../src/log-format.ts';
import { parseDuration } from '../src/commands/serve.ts';

describe('parseListen / isLoopback', () => {
  const cases: [string, string, number, boolean][] = [
    ['127.0.0.1:8080', '127.0.0.1', 8080, true],
    ['localhost:0', 'localhost', 0, true],
    ['[::1]:9000', '::1', 9000, true],
    ['127.1.2.3:1', '127.1.2.3', 1, true],
    ['0.0.0.0:8080', '0.0.0.0', 8080, false],
    [':8080', '0.0.0.0', 8080, false],
    ['10.0.0.5:443', '10.0.0.5', 443, false],
    ['[::]:80', '::', 80, false],
  ];
  for (const [input, host, port, loop] of cases) {
    it(`${input} → ${host} ${port} loopback=${loop}`, () => {
      assert.deepEqual(parseListen(input), { host, port });
      assert.equal(isLoopback(host), loop);
    });
  }
  for (const bad of ['8080', '127.0.0.1', '127.0.0.1:99999', 'host:port', '[nothex]:80']) {
    it(`rejects ${bad}`, () => assert.throws(() => parseListen(bad), /invalid --listen/));
  }
});

describe('parseStoreUrl', () => {
  it('accepts sqlite paths and postgres URLs', () => {
    assert.deepEqual(parseStoreUrl('sqlite:./data/docket.db'), { engine: 'sqlite', path: './data/docket.db', url: 'sqlite:./data/docket.db' });
    assert.deepEqual(parseStoreUrl('sqlite:///var/lib/d.db'), { engine: 'sqlite', path: '/var/lib/d.db', url: 'sqlite:/var/lib/d.db' });
    assert.equal(parseStoreUrl('postgres://u@h:5432/db').engine, 'postgres');
    assert.equal(parseStoreUrl('postgresql://u@h/db').engine, 'postgres');
  });
  it('hides passwords in descriptions and errors', () => {
    assert.equal(describeStore(parseStoreUrl('postgres://u:s3cret@h:5432/db')), 'postgres postgres://u:***@h:5432/db');
    assert.throws(() => parseStoreUrl('postgres://u:s3cret@h:5432/'), (e: Error) => !e.message.includes('s3cret') && /missing database/.test(e.message));
  });
  for (const bad of ['mysql://h/db', 'sqlite:', 'sqlite://host/x.db', 'postgres://h', './data/docket.db']) {
    it(`rejects ${bad} naming the flag and the forms`, () =>
      assert.throws(() => parseStoreUrl(bad), (e: Error) => e.message.startsWith('invalid --store') && e.message.includes('sqlite:PATH') && e.message.includes('postgres://')));
  }
});

describe('parseDocuments', () => {
  it('splits multi-document YAML, skips empty documents and flattens lists', () => {
    const text = [
      'apiVersion: wgpolicyk8s.io/v1alpha2\nkind: PolicyReport\nmetadata: {name: a}',
      '',
      'apiVersion: openreports.io/v1alpha1\nkind: ReportList\nitems:\n- metadata: {name: b}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}',
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: wgpolicyk8s.io/v1alpha2, kind: ClusterPolicyReport, metadata: {name: d}}',
    ].join('\n---\n');
    const docs = parseDocuments(text, 'f.yaml');
    assert.deepEqual(docs.map((d) => [d.origin, d.object?.kind, (d.object?.metadata as { name: string }).name]), [
      ['f.yaml#1', 'PolicyReport', 'a'],
      ['f.yaml#3.items[0]', 'Report', 'b'],
      ['f.yaml#3.items[1]', 'ConfigMap', 'c'],
      ['f.yaml#4.items[0]', 'ClusterPolicyReport', 'd'],
    ]);
    assert.equal(docs[1]!.object!.apiVersion, 'openreports.io/v1alpha1');
  });
  it('reads JSON and NDJSON', () => {
    assert.equal(parseDocuments('{"kind":"X","metadata":{"name":"j"}}', 'f.json').length, 1);
    const nd = parseDocuments('{"kind":"A"}\n{"kind":"B"}\n\n{"kind":"C"}\n', 'f.ndjson');
    assert.deepEqual(nd.map((d) => [d.origin, d.object?.kind]), [['f.ndjson#1', 'A'], ['f.ndjson#2', 'B'], ['f.ndjson#3', 'C']]);
  });
  it('reports unparsable and non-object documents with their index', () => {
    const docs = parseDocuments('kind: A\n---\nkey: [unclosed\n---\n- just\n- a list\n', 'bad.yaml');
    assert.equal(docs[0]!.object?.kind, 'A');
    assert.equal(docs[1]!.origin, 'bad.yaml#2');
    assert.match(docs[1]!.error ?? '', /cannot parse/);
    assert.equal(docs[2]!.error, 'not an object');
  });
});

describe('toTarget', () => {
  const polr = { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name: 'r1' } };
  it('derives namespaced and cluster paths from apiVersion and kind', () => {
    assert.deepEqual(toTarget(polr, undefined), {
      collectionPath: '/apis/wgpolicyk8s.io/v1alpha2/namespaces/default/policyreports',
      itemPath: '/apis/wgpolicyk8s.io/v1alpha2/namespaces/default/policyreports/r1',
      display: 'policyreport.wgpolicyk8s.io/r1',
      named: true,
    });
    assert.equal(toTarget(polr, 'team-a').itemPath, '/apis/wgpolicyk8s.io/v1alpha2/namespaces/team-a/policyreports/r1');
    const crep = { apiVersion: 'openreports.io/v1alpha1', kind: 'ClusterReport', metadata: { name: 'c', namespace: 'ignored' } };
    assert.equal(toTarget(crep, 'x').itemPath, '/apis/openreports.io/v1alpha1/clusterreports/c');
  });
  it('rejects unknown kinds, missing names and namespace mismatches', () => {
    assert.throws(() => toTarget({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, undefined), /no resource for apiVersion "v1" kind "ConfigMap"/);
    assert.throws(() => toTarget({ ...polr, metadata: {} }, undefined), /metadata.name/);
    assert.throws(() => toTarget({ ...polr, metadata: { name: 'r', namespace: 'a' } }, 'b'), /does not match --namespace "b"/);
  });
});

describe('isUnchanged', () => {
  const current = {
    apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport',
    metadata: { name: 'r', namespace: 'default', uid: 'u', resourceVersion: '7', labels: { a: '1' } },
    summary: { pass: 1, fail: 0, warn: 0, error: 0, skip: 0 },
    results: [{ policy: 'p', result: 'pass' }],
  };
  it('ignores server fields, key order and a missing summary', () => {
    assert.equal(isUnchanged({ kind: 'PolicyReport', metadata: { labels: { a: '1' }, name: 'r' }, results: [{ result: 'pass', policy: 'p' }] }, current), true);
  });
  it('sees changed results, labels and summaries', () => {
    assert.equal(isUnchanged({ metadata: { labels: { a: '1' } }, results: [{ policy: 'p', result: 'fail' }] }, current), false);
    assert.equal(isUnchanged({ metadata: { labels: { a: '2' } }, results: current.results }, current), false);
    assert.equal(isUnchanged({ metadata: { labels: { a: '1' } }, results: current.results, summary: { pass: 2 } }, current), false);
  });
});

describe('formatLogLine', () => {
  it('renders pino JSON as a readable line and leaves other text alone', () => {
    const line = JSON.stringify({ level: 30, time: '2026-11-22T20:48:15.877Z', name: 'docket', msg: 'serving', url: 'http://127.0.0.1:1', n: 3 });
    assert.equal(formatLogLine(line), '20:48:15.877 INFO  serving url=http://127.0.0.1:1 n=3\n');
    assert.equal(formatLogLine('plain warning'), 'plain warning');
  });
});

describe('parseDuration', () => {
  const parse = parseDuration('--history-retention');
  it('reads ms, s, m and h', () => {
    assert.deepEqual(['250ms', '90s', '5m', '2h'].map(parse), [250, 90_000, 300_000, 7_200_000]);
  });
  it('rejects what is not a positive duration', () => {
    for (const bad of ['', '5', '5d', '-1s', '1.5m', '0m']) assert.throws(() => parse(bad), /--history-retention must be a positive duration/, bad);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError } from '@docket/model';
import { parseFieldSelector, parseLabelSelector, parseSelectors, labelKeyProblem } from '../src/selectors.ts';

test('label selectors parse into store requirements', () => {
  const cases: Array<[string, unknown]> = [
    ['app=web', [{ key: 'app', op: 'in', values: ['web'] }]],
    ['app==web', [{ key: 'app', op: 'in', values: ['web'] }]],
    ['app!=web', [{ key: 'app', op: 'notin', values: ['web'] }]],
    ['app', [{ key: 'app', op: 'exists', values: [] }]],
    ['!app', [{ key: 'app', op: 'notexists', values: [] }]],
    [' ! app ', [{ key: 'app', op: 'notexists', values: [] }]],
    ['env in (prod, staging)', [{ key: 'env', op: 'in', values: ['prod', 'staging'] }]],
    ['env notin (dev)', [{ key: 'env', op: 'notin', values: ['dev'] }]],
    ['app=', [{ key: 'app', op: 'in', values: [''] }]],
    ['app.kubernetes.io/name=kyverno,tier in (a,b),!legacy', [
      { key: 'app.kubernetes.io/name', op: 'in', values: ['kyverno'] },
      { key: 'tier', op: 'in', values: ['a', 'b'] },
      { key: 'legacy', op: 'notexists', values: [] },
    ]],
    ['', []],
  ];
  for (const [input, want] of cases) assert.deepEqual(parseLabelSelector(input), want, input);
  assert.deepEqual(parseLabelSelector(undefined), []);
});

test('malformed or invalid label selectors are 400 with a reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['a,,b', /empty requirement/],
    ['a in ()', /at least one value/],
    ['a in (x', /missing "\)"/],
    ['a)', /unbalanced/],
    ['a>1', /not supported/],
    ['-bad=x', /must consist of alphanumeric/],
    ['a=b c', /not a requirement/],
    ['Example.com/a=b', /DNS subdomain/],
    [`${'a'.repeat(64)}=b`, /no more than 63/],
    [`a=${'v'.repeat(64)}`, /no more than 63/],
    ['a=-v', /label value/],
  ];
  for (const [input, re] of cases) {
    assert.throws(() => parseLabelSelector(input), (e: unknown) => e instanceof BadRequestError && e.status === 400 && re.test(e.message), input);
  }
  assert.equal(labelKeyProblem('kyverno.io/x_y.z'), undefined);
});

test('field selectors parse; unknown fields name the allowed ones', () => {
  assert.deepEqual(parseFieldSelector('metadata.name=r1,metadata.namespace!=kube-system'), [
    { field: 'metadata.name', op: '=', value: 'r1' },
    { field: 'metadata.namespace', op: '!=', value: 'kube-system' },
  ]);
  assert.deepEqual(parseFieldSelector('scope.kind==Pod,source=kyverno'), [
    { field: 'scope.kind', op: '=', value: 'Pod' }, { field: 'source', op: '=', value: 'kyverno' },
  ]);
  assert.deepEqual(parseFieldSelector(String.raw`scope.name=a\,b\=c`), [{ field: 'scope.name', op: '=', value: 'a,b=c' }]);
  assert.deepEqual(parseFieldSelector('scope.uid='), [{ field: 'scope.uid', op: '=', value: '' }]);
  assert.throws(() => parseFieldSelector('spec.foo=x'), (e: unknown) => e instanceof BadRequestError
    && /"spec.foo" is not a supported field/.test(e.message) && /metadata.name, metadata.namespace, scope.kind/.test(e.message));
  assert.throws(() => parseFieldSelector('metadata.name'), BadRequestError);
  assert.throws(() => parseFieldSelector(String.raw`metadata.name=a\x`), /invalid escape/);
});

test('parseSelectors combines both and omits empty ones', () => {
  assert.deepEqual(parseSelectors({}), {});
  assert.deepEqual(parseSelectors({ labelSelector: 'a', fieldSelector: 'source=x' }), {
    labels: [{ key: 'a', op: 'exists', values: [] }], fields: [{ field: 'source', op: '=', value: 'x' }],
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeSummary, resultId } from '@docket/core';

test('computeSummary counts results, ignoring the incoming summary', () => {
  assert.deepEqual(
    computeSummary([{ policy: 'a', result: 'fail' }, { policy: 'b', result: 'fail' }, { policy: 'c', result: 'pass' }, { policy: 'd' }]),
    { pass: 1, fail: 2, warn: 0, error: 0, skip: 0 },
  );
  assert.deepEqual(computeSummary(undefined), { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 });
});

test('resultId prefers properties.resultID and ignores the timestamp', () => {
  assert.equal(resultId({ policy: 'p', properties: { resultID: 'abc' } }), 'abc');
  const scope = { kind: 'Pod', name: 'x', namespace: 'n', uid: 'u1' };
  const a = resultId({ policy: 'p', rule: 'r', result: 'fail', timestamp: { seconds: 1, nanos: 0 } }, scope);
  const b = resultId({ policy: 'p', rule: 'r', result: 'fail', timestamp: { seconds: 2, nanos: 0 } }, scope);
  assert.equal(a, b);
  assert.notEqual(a, resultId({ policy: 'p', rule: 'r', result: 'pass' }, scope));
  assert.notEqual(a, resultId({ policy: 'p', rule: 'r', result: 'fail' }, { ...scope, uid: 'u2' }));
});

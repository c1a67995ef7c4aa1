import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration } from '../src/age.ts';

test('humanDuration rounds like kube', () => {
  const S = 1000, M = 60 * S, H = 60 * M, D = 24 * H;
  const cases: Array<[number, string]> = [
    [-5 * S, '<invalid>'], [0, '0s'], [59 * S, '59s'], [119 * S, '119s'], [2 * M, '2m'], [5 * M + 7 * S, '5m7s'],
    [10 * M + 30 * S, '10m'], [179 * M, '179m'], [3 * H, '3h'], [5 * H + 20 * M, '5h20m'], [47 * H, '47h'],
    [3 * D, '3d'], [3 * D + 4 * H, '3d4h'], [400 * D, '400d'], [3 * 365 * D + 10 * D, '3y10d'], [10 * 365 * D, '10y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareSeverity, isNotifiable, meetsMinimumSeverity, priorityLevel, severityLevel, toPriority, type Priority } from '@docket/core';

test('severityLevel ranks info < low < medium < high < critical, empty and unknown at -1', () => {
  const table: Array<[string | undefined, number]> = [
    [undefined, -1], ['', -1], ['bogus', -1], ['info', 0], ['low', 1], ['medium', 2], ['high', 3], ['critical', 4],
  ];
  for (const [s, level] of table) assert.equal(severityLevel(s), level, String(s));
  assert.ok(compareSeverity('low', 'high') < 0);
  assert.ok(compareSeverity('critical', 'high') > 0);
  assert.equal(compareSeverity('medium', 'medium'), 0);
});

test('meetsMinimumSeverity', () => {
  const table: Array<[string | undefined, string | undefined, boolean]> = [
    ['info', undefined, true], [undefined, undefined, true], [undefined, '', true], ['low', '', true],
    [undefined, 'info', false], ['', 'info', false], ['info', 'info', true], ['low', 'medium', false],
    ['medium', 'medium', true], ['high', 'medium', true], ['critical', 'high', true], ['high', 'critical', false],
  ];
  for (const [severity, minimum, expected] of table) {
    assert.equal(meetsMinimumSeverity(severity, minimum), expected, `${String(severity)} vs ${String(minimum)}`);
  }
});

test('isNotifiable: warn/fail/error by default, configurable', () => {
  assert.deepEqual(['pass', 'fail', 'warn', 'error', 'skip', undefined].map((s) => isNotifiable(s)), [false, true, true, true, false, false]);
  assert.equal(isNotifiable('pass', ['pass']), true);
  assert.equal(isNotifiable('fail', ['pass']), false);
});

test('toPriority follows Policy Reporter v2', () => {
  const table: Array<[{ result?: string; severity?: string }, Priority]> = [
    [{ result: 'skip', severity: 'critical' }, 'debug'],
    [{ result: 'pass', severity: 'critical' }, 'info'],
    [{ result: 'error' }, 'error'],
    [{ result: 'warn', severity: 'critical' }, 'warning'],
    [{ result: 'fail', severity: 'critical' }, 'critical'],
    [{ result: 'fail', severity: 'high' }, 'error'],
    [{ result: 'fail', severity: 'medium' }, 'warning'],
    [{ result: 'fail', severity: 'low' }, 'info'],
    [{ result: 'fail', severity: 'info' }, 'info'],
    [{ result: 'fail', severity: 'weird' }, 'debug'],
    [{ result: 'fail' }, 'warning'],
  ];
  for (const [r, p] of table) assert.equal(toPriority(r), p, JSON.stringify(r));
  assert.equal(toPriority({ result: 'fail' }, 'critical'), 'critical');
  assert.deepEqual(['', 'debug', 'info', 'warning', 'critical', 'error', 'x'].map(priorityLevel), [0, 1, 2, 3, 4, 5, 0]);
});

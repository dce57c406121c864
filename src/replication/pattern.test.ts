// User patterns run on RE2 (re2js): linear time, whole-string, RE2 syntax only. A pattern that backtracks
// catastrophically in JavaScript's engine ((a+)+ against 40 `a`s and a `-`, about 2^40 steps there) answers at
// once; backreferences and lookaround are refused with the caller's code; length and NUL are bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePattern, MAX_PATTERN } from './pattern.js';

test('catastrophic patterns match in linear time, in full', () => {
  const hostile = `${'a'.repeat(40)}-`;
  for (const p of ['(a+)+', '(a|a)+', '(a|aa)*', '(.*a){20}']) {
    assert.equal(compilePattern(p, 'tag filter').test(hostile), false, p);
  }
  assert.equal(compilePattern('(a+)+', 'tag filter').test('a'.repeat(40)), true);
  assert.equal(compilePattern('v1', 'tag filter').test('v10'), false, 'whole string only');
  assert.equal(compilePattern('v\\d+(\\.\\d+)*', 'tag filter').test('v1.20.3'), true);
});

test('what RE2 cannot do, and patterns too long or holding NUL, are refused with the caller code', () => {
  assert.throws(() => compilePattern('(a)\\1', 'tag filter'), { code: 'INVALID_RULE', message: /not an RE2 pattern/ });
  assert.throws(() => compilePattern('(?=a)a', 'tags', 'USAGE'), { code: 'USAGE' });
  assert.throws(() => compilePattern('a'.repeat(MAX_PATTERN + 1), 'tag filter'), { code: 'INVALID_RULE' });
  assert.throws(() => compilePattern('a\0', 'tag filter'), { code: 'INVALID_RULE', message: /NUL/ });
  assert.throws(() => compilePattern('(', 'tag filter'), { code: 'INVALID_RULE' });
});

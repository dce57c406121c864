import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type RuleSelector, repositoryMatches, tagMatches, targetOf, validateSelector } from './rule-match.js';

const rule = (over: Partial<RuleSelector> = {}): RuleSelector => ({
  source_namespace: 'team',
  source_repository: null,
  repository_filter: null,
  tag_filter: '.*',
  tag_semver: null,
  target_namespace: 'mirror',
  target_repository: null,
  tag_rename: null,
  ...over,
});

test('a tag filter matches the whole tag, not a part of it', () => {
  const r = rule({ tag_filter: 'v\\d+' });
  assert.equal(tagMatches(r, 'v1'), true);
  assert.equal(tagMatches(r, 'v1-rc'), false);
  assert.equal(tagMatches(r, 'xv1'), false);
});

test('a semver range keeps versions in range, loose v-prefixes included, and drops non-versions', () => {
  const r = rule({ tag_semver: '>=1.2.0 <2.0.0' });
  assert.deepEqual(
    ['1.1.9', '1.2.0', 'v1.9.3', '2.0.0', 'latest', '1.5'].filter((t) => tagMatches(r, t)),
    ['1.2.0', 'v1.9.3'],
  );
});

test('repositories: one by name, or those of the namespace matching the filter', () => {
  assert.equal(repositoryMatches(rule({ source_repository: 'app' }), 'team', 'app'), true);
  assert.equal(repositoryMatches(rule({ source_repository: 'app' }), 'team', 'app2'), false);
  assert.equal(repositoryMatches(rule(), 'other', 'app'), false);
  const filtered = rule({ repository_filter: 'svc-.*' });
  assert.equal(repositoryMatches(filtered, 'team', 'svc-a'), true);
  assert.equal(repositoryMatches(filtered, 'team', 'web'), false);
});

test('the target keeps the path and tag unless the rule renames them', () => {
  const source = { namespace: 'team', repository: 'tools/app', tag: '1.0' };
  assert.deepEqual(targetOf(rule(), source), { namespace: 'mirror', repository: 'tools/app', tag: '1.0' });
  assert.deepEqual(targetOf(rule({ target_repository: 'app', tag_rename: '{tag}-dr' }), source), {
    namespace: 'mirror',
    repository: 'app',
    tag: '1.0-dr',
  });
});

test('invalid patterns, ranges and renames are refused with INVALID_RULE', () => {
  for (const bad of [
    { tag_filter: '(' },
    { repository_filter: '[' },
    { tag_semver: 'not a range' },
    { tag_rename: '{tag}/x' },
    { tag_filter: 'a'.repeat(300) },
  ]) {
    assert.throws(() => validateSelector(rule(bad)), { code: 'INVALID_RULE' }, JSON.stringify(bad));
  }
  assert.doesNotThrow(() => validateSelector(rule({ tag_semver: '^1.2', tag_rename: 'mirror-{tag}' })));
});

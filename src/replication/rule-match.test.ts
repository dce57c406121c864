import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type RuleSelector, relativePath, tagMatches, targetOf, validateSelector } from './rule-match.js';

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
  assert.equal(relativePath(rule({ source_repository: 'app' }), 'team/app'), 'app');
  assert.equal(relativePath(rule({ source_repository: 'app' }), 'team/app2'), null);
  assert.equal(relativePath(rule(), 'other/app'), null);
  const filtered = rule({ repository_filter: 'svc-.*' });
  assert.equal(relativePath(filtered, 'team/svc-a'), 'svc-a');
  assert.equal(relativePath(filtered, 'team/web'), null);
});

test('the namespace is a path prefix of whole components, one meaning for rules and regatta sync', () => {
  assert.equal(relativePath(rule(), 'team/tools/app'), 'tools/app');
  assert.equal(relativePath(rule(), 'teams/app'), null, 'a prefix of a component is not the namespace');
  assert.equal(relativePath(rule(), 'team'), null, 'the namespace itself is no repository under it');
  const deep = rule({ source_namespace: 'team/tools' });
  assert.equal(relativePath(deep, 'team/tools/app'), 'app');
  assert.equal(relativePath(deep, 'team/app'), null);
  assert.equal(relativePath(rule({ source_namespace: '' }), 'app'), 'app', "'' is the whole registry");
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

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inNamespace, isRepositoryName, normalizeNamespace, repositoryRef } from './repository.js';

test('repositoryRef splits the first path component off as the namespace', () => {
  assert.deepEqual(repositoryRef('team/app'), { repository: 'team/app', namespace: 'team', name: 'app' });
  assert.deepEqual(repositoryRef('a/b/c'), { repository: 'a/b/c', namespace: 'a', name: 'b/c' });
  assert.deepEqual(repositoryRef('solo'), { repository: 'solo', namespace: '', name: 'solo' });
});

test('isRepositoryName follows the reference grammar', () => {
  for (const ok of ['a', 'team/app', 'docker-local/x.y/z__w', 'a-b--c/d']) assert.ok(isRepositoryName(ok), ok);
  for (const bad of ['', 'Team/app', 'a//b', '/a', 'a/', '../x', 'a/../b', 'a b', 'a:1', `${'a'.repeat(256)}`]) {
    assert.equal(isRepositoryName(bad), false, bad);
  }
});

test('namespaces are path prefixes of whole components', () => {
  assert.equal(normalizeNamespace(' '.trim()), '');
  assert.equal(normalizeNamespace('/team/'), 'team');
  assert.equal(normalizeNamespace(undefined), '');
  assert.ok(inNamespace('team/app', 'team'));
  assert.ok(inNamespace('team/sub/app', 'team/sub'));
  assert.ok(inNamespace('anything', ''));
  assert.equal(inNamespace('teamwork/app', 'team'), false);
  assert.equal(inNamespace('team', 'team'), false);
});

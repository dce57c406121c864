// Registry URL paths are made only from parts the distribution spec's grammar allows: a tag or repository that
// would steer a request elsewhere (`..`, `?`, `#`, `%2F`, spaces, NUL, upper case) is refused before any URL exists.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blobPath, manifestPath, mountPath, referrersPath, tagsPath, uploadPath } from './paths.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

test('valid parts make the spec paths', () => {
  assert.equal(manifestPath('team/app', 'v1.2_3-rc'), '/v2/team/app/manifests/v1.2_3-rc');
  assert.equal(manifestPath('team/app', DIGEST), `/v2/team/app/manifests/${DIGEST}`);
  assert.equal(blobPath('a/b/c', DIGEST), `/v2/a/b/c/blobs/${DIGEST}`);
  assert.equal(uploadPath('a'), '/v2/a/blobs/uploads/');
  assert.equal(mountPath('a', DIGEST, 'b/c'), `/v2/a/blobs/uploads/?mount=sha256%3A${'a'.repeat(64)}&from=b%2Fc`);
  assert.equal(tagsPath('x__y'), '/v2/x__y/tags/list');
  assert.equal(
    referrersPath('a', DIGEST, 'application/vnd.x+json'),
    `/v2/a/referrers/${DIGEST}?artifactType=application%2Fvnd.x%2Bjson`,
  );
});

test('tags, repositories and digests that would steer a URL are refused', () => {
  const badTags = [
    '../../../escaped/repo/manifests/t000',
    't000?x=1#',
    't#x',
    '.hidden',
    'a b',
    'a\0',
    'x'.repeat(129),
    '',
    'a/b',
    '%2e%2e',
  ];
  for (const tag of badTags) assert.throws(() => manifestPath('team/app', tag), { code: 'INVALID_REFERENCE' }, tag);
  const badRepos = ['../x', 'Team/app', 'a//b', '/a', 'a/', 'a?b', 'a#b', 'a%2Fb', 'a/../b', `${'a'.repeat(256)}`];
  for (const r of badRepos) assert.throws(() => tagsPath(r), { code: 'INVALID_REFERENCE' }, r);
  for (const d of [
    'sha256:abc',
    `md5:${'a'.repeat(32)}`,
    `sha256:${'A'.repeat(64)}`,
    `sha256:${'a'.repeat(64)}/../x`,
  ]) {
    assert.throws(() => blobPath('a', d), { code: 'INVALID_REFERENCE' }, d);
    assert.throws(() => manifestPath('a', d), { code: 'INVALID_REFERENCE' }, d);
  }
  assert.throws(() => mountPath('a', DIGEST, '../b'), { code: 'INVALID_REFERENCE' });
});

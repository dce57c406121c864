// Catalogers over a merged filesystem built in the test: dpkg (status and distroless status.d, Source with and
// without its own version, not-installed stanzas), apk (origin as source), npm (nested, scoped, broken JSON),
// Python (dist-info and egg-info), and the OS from os-release; apk's version order against apk-tools' rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filesystemOf } from '../../../test/support/file-entry.js';
import { compareApkVersions } from '../versions/apk.js';
import { apkCataloger } from './apk.js';
import { dpkgCataloger } from './dpkg.js';
import { npmCataloger } from './npm.js';
import { osEcosystem, osReleaseOf } from './os-release.js';
import { pythonCataloger } from './python.js';

test('dpkg: status and status.d, source names and versions, only installed packages', () => {
  const fs = filesystemOf({
    'var/lib/dpkg/status': [
      'Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.9-1\n',
      'Package: libpam0g\nStatus: install ok installed\nSource: pam (1.5.2-6)\nVersion: 1.5.2-6+b1\n',
      'Package: gone\nStatus: deinstall ok config-files\nVersion: 1.0\n',
    ].join('\n'),
    'var/lib/dpkg/status.d/base': 'Package: base-files\nVersion: 12.4+deb12u5\n',
    'var/lib/dpkg/status.d/base.md5sums': 'ignored',
  });
  assert.deepEqual(
    dpkgCataloger.catalog(fs).map((p) => [p.name, p.version, p.source?.name, p.source?.version]),
    [
      ['libssl3', '3.0.9-1', 'openssl', '3.0.9-1'],
      ['libpam0g', '1.5.2-6+b1', 'pam', '1.5.2-6'],
      ['base-files', '12.4+deb12u5', 'base-files', '12.4+deb12u5'],
    ],
  );
});

test('apk, npm and Python packages, and the OS', () => {
  const fs = filesystemOf({
    'lib/apk/db/installed': 'C:Q1abc=\nP:libcrypto3\nV:3.1.4-r1\no:openssl\n\nP:musl\nV:1.2.4-r2\n',
    'etc/os-release': 'ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n',
    'app/node_modules/a/package.json': '{"name":"a","version":"1.0.0"}',
    'app/node_modules/@s/b/package.json': '{"name":"@s/b","version":"2.0.0"}',
    'app/node_modules/a/node_modules/c/package.json': '{"name":"c","version":"0.1.0"}',
    'app/node_modules/broken/package.json': '{"name":',
    'app/node_modules/a/lib/package.json': '{"name":"not-a-package","version":"9"}',
    'app/package-lock.json': JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.0.0' },
        'node_modules/a': { version: '1.0.0' },
        'node_modules/qs': { version: '6.5.2' },
        'node_modules/@s/linked': { link: true },
      },
    }),
    'usr/lib/python3/dist-packages/requests-2.25.1.dist-info/METADATA':
      'Metadata-Version: 2.1\nName: requests\nVersion: 2.25.1\n\nVersion: 0 (in the body)\n',
    'usr/lib/python3.11/site-packages/Django-3.2.egg-info/PKG-INFO': 'Name: Django\nVersion: 3.2\n',
  });
  assert.deepEqual(
    apkCataloger.catalog(fs).map((p) => [p.name, p.version, p.source?.name]),
    [
      ['libcrypto3', '3.1.4-r1', 'openssl'],
      ['musl', '1.2.4-r2', 'musl'],
    ],
  );
  assert.deepEqual(
    npmCataloger
      .catalog(fs)
      .map((p) => `${p.name}@${p.version}`)
      .sort(),
    // qs is pinned by the lock file but not installed; a (installed too) is not counted twice.
    ['@s/b@2.0.0', 'a@1.0.0', 'c@0.1.0', 'qs@6.5.2'],
  );
  assert.deepEqual(
    pythonCataloger
      .catalog(fs)
      .map((p) => `${p.name}==${p.version}`)
      .sort(),
    ['Django==3.2', 'requests==2.25.1'],
  );
  assert.equal(osEcosystem(osReleaseOf(fs)), 'Alpine:v3.19');
  assert.equal(osEcosystem({ id: 'debian', versionId: '12' }), 'Debian:12');
  assert.equal(osEcosystem({ id: 'ubuntu', versionId: '22.04' }), undefined);
});

test('apk versions order as apk-tools orders them', () => {
  const ascending = [
    '1.0_alpha1',
    '1.0_beta',
    '1.0_pre2',
    '1.0_rc1',
    '1.0',
    '1.0-r1',
    '1.0_p1',
    '1.0a',
    '1.0.1',
    '1.01.0',
    '1.1',
    '1.1.1d-r0',
    '1.1.1d-r2',
    '1.1.1g-r0',
    '1.2',
    '1.10',
    '2.0_git20200101',
  ];
  for (let i = 0; i + 1 < ascending.length; i++) {
    assert.equal(compareApkVersions(ascending[i]!, ascending[i + 1]!), -1, `${ascending[i]} < ${ascending[i + 1]}`);
    assert.equal(compareApkVersions(ascending[i + 1]!, ascending[i]!), 1);
  }
  assert.equal(compareApkVersions('3.1.4-r1', '3.1.4-r1'), 0);
  assert.equal(compareApkVersions('junk', '1.0'), -1);
});

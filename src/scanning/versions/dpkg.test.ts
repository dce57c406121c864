// The dpkg version order against dpkg itself: every pair is asked of `dpkg --compare-versions` (Debian's own
// implementation) and must get the same answer here. Pairs: the spec's tricky cases (tildes, epochs, revisions,
// leading zeros, letters against symbols) and real versions (this machine's packages; bookworm's uploads in the
// real-data tier).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { VULNDB } from '../../../test/support/vulndb.js';
import { compareDpkgVersions, parseDpkgVersion } from './dpkg.js';

const VERSIONS_FILE = join(VULNDB, 'debian-bookworm-versions.json');
const hasDpkg = spawnSync('sh', ['-c', 'command -v dpkg'], { stdio: 'ignore' }).status === 0;

/** What dpkg says of a and b: -1, 0 or 1 (one `dpkg --compare-versions a lt b` and one `eq`). */
function dpkgSays(a: string, b: string): number {
  const ask = (op: string) => spawnSync('dpkg', ['--compare-versions', a, op, b]).status === 0;
  return ask('lt') ? -1 : ask('eq') ? 0 : 1;
}

const TRICKY: Array<[string, string]> = [
  ['1.0', '1.0'],
  ['1.0~rc1', '1.0'],
  ['1.0~rc1', '1.0~rc2'],
  ['1.0~~', '1.0~'],
  ['1.0', '1.0-0'],
  ['1.0-1', '1.0-1~deb12u1'],
  ['3.0.13-1~deb12u1', '3.0.13-1'],
  ['1:0.9', '2.0'],
  ['0:1.2', '1.2'],
  ['1.2a', '1.2+'],
  ['1.2.3', '1.2.10'],
  ['1.02', '1.2'],
  ['1.0a', '1.0'],
  ['2.36-9+deb12u4', '2.36-9+deb12u10'],
  ['7.88.1-10', '7.88.1-10+deb12u8'],
  ['1.2-3-4', '1.2-3'],
  ['9.2p1-2', '9.2p1-2+deb12u3'],
  ['2.4.57-2', '2.4.62-1~deb12u1'],
  ['1.0.0+dfsg-1', '1.0.0-1'],
  ['10', '9'],
  ['1.0.', '1.0'],
];

test('the spec cases order as dpkg orders them', { skip: !hasDpkg && 'dpkg is not installed' }, () => {
  for (const [a, b] of TRICKY) {
    assert.equal(compareDpkgVersions(a, b), dpkgSays(a, b), `${a} vs ${b}`);
    assert.equal(compareDpkgVersions(b, a), dpkgSays(b, a), `${b} vs ${a}`);
  }
});

/** Real versions: bookworm's uploads in the real-data tier, else those of this machine's installed packages. */
function realVersions(): string[] {
  if (existsSync(VERSIONS_FILE)) {
    const data = JSON.parse(readFileSync(VERSIONS_FILE, 'utf8')) as Record<string, { bookworm_uploads: string[] }>;
    return Object.values(data).flatMap((p) => p.bookworm_uploads);
  }
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…}, not a template
  const out = spawnSync('dpkg-query', ['-W', '-f', '${Version}\\n'], { encoding: 'utf8' }).stdout ?? '';
  return out.split('\n').filter(Boolean);
}

test('real Debian versions order as dpkg orders them', { skip: !hasDpkg && 'dpkg is not installed' }, () => {
  // Neighbours in the list, and further apart: 400 pairs in all.
  const all = realVersions();
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < all.length && pairs.length < 400; i += 2) pairs.push([all[i]!, all[i + 1]!]);
  for (let i = 0; i + 7 < all.length && pairs.length < 400; i += 7) pairs.push([all[i]!, all[i + 7]!]);
  assert.ok(pairs.length > 100, `${pairs.length} pairs`);
  for (const [a, b] of pairs) assert.equal(compareDpkgVersions(a, b), dpkgSays(a, b), `${a} vs ${b}`);
});

test('parsing: epoch, upstream and the revision after the last hyphen; bad versions refused', () => {
  assert.deepEqual(parseDpkgVersion('1:2.3-4-5'), { epoch: 1, upstream: '2.3-4', revision: '5' });
  assert.deepEqual(parseDpkgVersion('2.3'), { epoch: 0, upstream: '2.3', revision: '' });
  assert.equal(parseDpkgVersion('a:1.0'), undefined);
  assert.equal(parseDpkgVersion('abc'), undefined);
  assert.equal(parseDpkgVersion(''), undefined);
  assert.equal(compareDpkgVersions('junk', '1.0'), -1);
});

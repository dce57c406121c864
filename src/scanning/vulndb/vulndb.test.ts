// OSV evaluation and matching: ranges with introduced / fixed / last_affected, several ranges, explicit version
// lists, withdrawn records, aliases merged into one finding, the source package of Debian binaries; CVSS v3
// base scores against FIRST's published examples; records of the wrong shape skipped, duplicate ids resolved,
// hostile zips refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Package } from '../catalogers/types.js';
import { versionOrderOf } from '../versions/index.js';
import { affects } from './affects.js';
import { matchPackages } from './match.js';
import { AdvisoryDb, type OsvRecord } from './osv.js';
import { readOsvZip } from './osv-zip.js';
import { cvss3BaseScore, severityOf } from './severity.js';

const dpkg = versionOrderOf('Debian:12')!;
const npm = versionOrderOf('npm')!;

test('ranges: introduced/fixed, last_affected, several ranges, version lists', () => {
  const fixed = { ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }] }] };
  assert.deepEqual(affects(fixed, '3.0.9-1', dpkg), { fixed: '3.0.13-1~deb12u1' });
  assert.equal(affects(fixed, '3.0.13-1~deb12u1', dpkg), undefined);
  assert.equal(affects(fixed, '3.0.13-1', dpkg), undefined, '~deb12u1 sorts before the plain revision');

  const two = {
    ranges: [
      {
        type: 'SEMVER',
        events: [{ introduced: '1.0.0' }, { fixed: '1.2.0' }, { introduced: '2.0.0' }, { fixed: '2.0.5' }],
      },
    ],
  };
  assert.deepEqual(affects(two, '1.1.9', npm), { fixed: '1.2.0' });
  assert.equal(affects(two, '1.5.0', npm), undefined);
  assert.deepEqual(affects(two, '2.0.4', npm), { fixed: '2.0.5' });
  assert.equal(affects(two, '0.9.0', npm), undefined);

  const last = { ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { last_affected: '1.5.1' }] }] };
  assert.deepEqual(affects(last, '1.5.1', npm), {});
  assert.equal(affects(last, '1.5.2', npm), undefined);

  assert.deepEqual(affects({ versions: ['0.0.7'] }, '0.0.7', npm), {});
  assert.equal(affects({ ranges: [{ type: 'GIT', events: [{ introduced: 'abc' }] }] }, '1.0.0', npm), undefined);
});

const pkg = (p: Partial<Package>): Package => ({ type: 'npm', name: 'x', version: '1.0.0', path: 'p', layer: 0, ...p });

test('matching: aliases make one finding, withdrawn records none, Debian binaries match by source', () => {
  const db = new AdvisoryDb();
  const range = (name: string, ecosystem: string, fixedIn: string) => ({
    package: { ecosystem, name },
    ranges: [{ type: ecosystem === 'npm' ? 'SEMVER' : 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: fixedIn }] }],
  });
  const records: OsvRecord[] = [
    { id: 'GHSA-aaaa', modified: '', aliases: ['CVE-2020-1'], affected: [range('lodash', 'npm', '4.17.19')] },
    {
      id: 'NSWG-ECO-1',
      modified: '',
      aliases: ['CVE-2020-1'],
      affected: [range('lodash', 'npm', '4.17.19')],
      database_specific: { cvss_score: 9.1 },
    },
    { id: 'GHSA-gone', modified: '', withdrawn: '2021-01-01T00:00:00Z', affected: [range('lodash', 'npm', '5.0.0')] },
    {
      id: 'DEBIAN-CVE-2023-2',
      modified: '',
      aliases: ['CVE-2023-2'],
      affected: [range('openssl', 'Debian:12', '3.0.11-1~deb12u1')],
    },
  ];
  for (const r of records) db.add(r);
  const found = matchPackages(
    db,
    [
      pkg({ name: 'lodash', version: '4.17.15' }),
      pkg({ type: 'deb', name: 'libssl3', version: '3.0.9-1', source: { name: 'openssl', version: '3.0.9-1' } }),
      pkg({
        type: 'deb',
        name: 'libssl3',
        version: '3.0.11-1~deb12u1',
        source: { name: 'openssl', version: '3.0.11-1~deb12u1' },
      }),
    ],
    'Debian:12',
  );
  assert.deepEqual(
    found.map((f) => [f.id, f.package.name, f.package.version, f.fixedVersion, f.severity]),
    [
      ['CVE-2020-1', 'lodash', '4.17.15', '4.17.19', 'Critical'],
      ['CVE-2023-2', 'libssl3', '3.0.9-1', '3.0.11-1~deb12u1', 'Unknown'],
    ],
  );
  assert.deepEqual(found[0]!.ids.sort(), ['CVE-2020-1', 'GHSA-aaaa', 'NSWG-ECO-1']);
  assert.equal(
    matchPackages(db, [pkg({ type: 'deb', name: 'libssl3' })], undefined).length,
    0,
    'no OS, no OS advisories',
  );
});

test('CVSS v3 base scores match FIRST examples; severities from the other sources', () => {
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'), 9.8);
  assert.equal(cvss3BaseScore('CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N'), 6.5);
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N'), 6.4);
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N'), 5.5);
  assert.equal(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N'), 0);
  assert.equal(cvss3BaseScore('CVSS:2.0/AV:N'), undefined);
  const base = { id: 'X', modified: '' };
  assert.equal(severityOf({ ...base, database_specific: { severity: 'MODERATE' } }), 'Medium');
  assert.equal(severityOf(base, { ecosystem_specific: { upload_urgency: 'high' } }), 'High');
  assert.equal(severityOf(base), 'Unknown');
});

test('PyPI: names compare as PEP 503 says and versions as PEP 440 orders them; Alpine by apk order', () => {
  const db = new AdvisoryDb();
  db.add({
    id: 'PYSEC-1',
    modified: '',
    affected: [
      {
        package: { ecosystem: 'PyPI', name: 'django' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '3.0' }, { fixed: '3.2.4' }] }],
      },
    ],
  });
  db.add({
    id: 'ALPINE-CVE-2020-1967',
    modified: '',
    aliases: ['CVE-2020-1967'],
    affected: [
      {
        package: { ecosystem: 'Alpine:v3.11', name: 'openssl' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.1g-r0' }] }],
      },
    ],
  });
  const hits = matchPackages(
    db,
    [
      pkg({ type: 'python', name: 'Django', version: '3.2rc1' }),
      pkg({ type: 'python', name: 'Django', version: '3.2.4' }),
      pkg({
        type: 'apk',
        name: 'libcrypto1.1',
        version: '1.1.1d-r3',
        source: { name: 'openssl', version: '1.1.1d-r3' },
      }),
    ],
    'Alpine:v3.11',
  );
  assert.deepEqual(
    hits.map((h) => [h.id, h.package.name, h.package.version, h.fixedVersion]),
    [
      ['PYSEC-1', 'Django', '3.2rc1', '3.2.4'],
      ['CVE-2020-1967', 'libcrypto1.1', '1.1.1d-r3', '1.1.1g-r0'],
    ],
  );
});

test('records of the wrong shape are skipped and counted; one never fails a lookup or a match', () => {
  const db = new AdvisoryDb();
  const good = {
    id: 'GHSA-good',
    modified: '2024-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem: 'npm', name: 'qs' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '6.0.0' }] }],
      },
    ],
  };
  const poisoned = [
    {
      ...good,
      id: 'BAD-1',
      affected: [
        { package: { ecosystem: 'npm', name: 'qs' }, ranges: [{ type: 'SEMVER', events: [{ introduced: { x: 1 } }] }] },
      ],
    },
    { ...good, id: 'BAD-2', affected: 'qs' },
    { ...good, id: 42 },
    {
      ...good,
      id: 'BAD-3',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'qs' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1' }] }],
        },
      ],
    },
    null,
    'text',
  ];
  for (const p of poisoned) assert.equal(db.add(p), false);
  assert.equal(db.addJson('{"id": "BAD-4", "modified": '), false, 'not JSON');
  assert.equal(db.add(good), true);
  assert.deepEqual([db.records, db.invalid], [1, poisoned.length + 1]);
  const hits = matchPackages(db, [pkg({ name: 'qs', version: '5.0.0' })], undefined);
  assert.deepEqual(
    hits.map((h) => h.id),
    ['GHSA-good'],
  );
});

test('two copies of one id: the later `modified` is kept, whichever comes first; the version follows it', () => {
  const rec = (modified: string, fixed: string) => ({
    id: 'GHSA-twice',
    modified,
    affected: [
      {
        package: { ecosystem: 'npm', name: 'qs' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }],
      },
    ],
  });
  const a = new AdvisoryDb();
  a.add(rec('2024-01-01T00:00:00Z', '6.0.0'));
  a.add(rec('2025-01-01T00:00:00Z', '7.0.0'));
  const b = new AdvisoryDb();
  b.add(rec('2025-01-01T00:00:00Z', '7.0.0'));
  b.add(rec('2024-01-01T00:00:00Z', '6.0.0'));
  for (const db of [a, b]) {
    assert.equal(db.records, 1);
    assert.deepEqual(
      matchPackages(db, [pkg({ name: 'qs', version: '6.5.0' })], undefined).map((h) => h.fixedVersion),
      ['7.0.0'],
    );
  }
  assert.equal(a.version, b.version);
});

test('a zip naming a path outside itself, or lying about a size, is refused as bad input', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'regatta-osvzip-'));
  try {
    await writeFile(join(dir, 'r.json'), JSON.stringify({ id: 'GHSA-x', modified: '', affected: [] }));
    // zip keeps the name it is given: `../r.json` from a subfolder.
    await mkdir(join(dir, 'sub'));
    execFileSync('zip', ['-q', join(dir, 'escape.zip'), '../r.json'], { cwd: join(dir, 'sub') });
    await assert.rejects(
      readOsvZip(join(dir, 'escape.zip'), () => {}),
      { code: 'VULNDB_INVALID' },
    );
    execFileSync('zip', ['-q', '-0', join(dir, 'ok.zip'), 'r.json'], { cwd: dir });
    const bytes = await readFile(join(dir, 'ok.zip'));
    // The central directory's uncompressed size of the one entry, made to lie (offset 24 of its header).
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(bytes.readUInt32LE(central + 24) + 100, central + 24);
    await writeFile(join(dir, 'lying.zip'), bytes);
    await assert.rejects(
      readOsvZip(join(dir, 'lying.zip'), () => {}),
      { code: 'VULNDB_INVALID' },
    );
    assert.equal(await readOsvZip(join(dir, 'ok.zip'), () => {}), 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

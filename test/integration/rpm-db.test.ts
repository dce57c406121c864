// rpm databases made by rpm itself: packages built with rpmbuild and recorded with `rpm -i --justdb` in a sqlite
// rpmdb (Debian's rpm 4.18), and the same headers loaded by BerkeleyDB's own db5.3_load into a hash `Packages`
// file with small pages (so headers span overflow pages), as RHEL ≤ 8 has it. Both give the same packages.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import initSqlJs from 'sql.js';
import { catalogRpm } from '../../src/scanning/catalogers/rpm.js';
import { bdbHashValues } from '../../src/scanning/catalogers/rpm-bdb.js';
import { ndbBlobs } from '../../src/scanning/catalogers/rpm-ndb.js';
import { filesystemOf } from '../support/file-entry.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missing = ['rpmbuild', 'rpm', 'db5.3_load'].filter((c) => !has(c));
const skip = missing.length ? `missing ${missing.join(', ')}` : false;

let dir: string;
let sqliteDb: Buffer;
let bdb: Buffer;
let headers: Buffer[] = [];

function spec(name: string, version: string, release: string, epoch?: number): string {
  return [
    `Name: ${name}`,
    `Version: ${version}`,
    `Release: ${release}`,
    ...(epoch !== undefined ? [`Epoch: ${epoch}`] : []),
    'Summary: regatta test package',
    'License: MIT',
    'BuildArch: noarch',
    '%description',
    // A long description makes the header larger than a 512-byte page.
    'x'.repeat(3000),
    '%files',
    '',
  ].join('\n');
}

before(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), 'regatta-rpm-'));
  const top = join(dir, 'top');
  for (const [name, version, release, epoch] of [
    ['libfoo', '3.0.7', '24.el9', 1],
    ['barutil', '5.1.8', '6.el9'],
  ] as const) {
    await writeFile(join(dir, `${name}.spec`), spec(name, version, release, epoch));
    execFileSync('rpmbuild', ['-bb', '--quiet', '--define', `_topdir ${top}`, join(dir, `${name}.spec`)], {
      stdio: 'ignore',
    });
  }
  const rpms = (await readdir(join(top, 'RPMS', 'noarch'))).map((f) => join(top, 'RPMS', 'noarch', f));
  const dbpath = join(dir, 'db');
  await mkdir(dbpath);
  const rpmArgs = ['--dbpath', dbpath, '--define', '_db_backend sqlite'];
  execFileSync('rpm', [...rpmArgs, '--initdb'], { stdio: 'ignore' });
  execFileSync('rpm', ['-i', '--justdb', '--nodeps', ...rpmArgs, ...rpms], { stdio: 'ignore' });
  sqliteDb = await readFile(join(dbpath, 'rpmdb.sqlite'));
  // The same headers into BerkeleyDB: db_load's printable input is key and value lines, every byte as \xx.
  const SQL = await initSqlJs();
  const db = new SQL.Database(sqliteDb);
  const rows = db.exec('SELECT hnum, blob FROM Packages')[0]!.values;
  db.close();
  headers = rows.map(([, blob]) => Buffer.from(blob as Uint8Array));
  const hex = (b: Uint8Array) => [...b].map((x) => `\\${x.toString(16).padStart(2, '0')}`).join('');
  const lines = rows.flatMap(([hnum, blob]) => {
    const key = Buffer.alloc(4);
    key.writeUInt32LE(Number(hnum));
    return [hex(key), hex(blob as Uint8Array)];
  });
  await writeFile(join(dir, 'load.txt'), `${lines.join('\n')}\n`);
  execFileSync('db5.3_load', [
    '-t',
    'hash',
    '-c',
    'db_pagesize=512',
    '-T',
    '-f',
    join(dir, 'load.txt'),
    join(dir, 'Packages'),
  ]);
  bdb = await readFile(join(dir, 'Packages'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function packagesOf(path: string, data: Buffer) {
  return (await catalogRpm(filesystemOf({ [path]: data })))
    .map((p) => `${p.name} ${p.version} ${p.source?.name}`)
    .sort();
}

const EXPECTED = ['barutil 5.1.8-6.el9 barutil', 'libfoo 1:3.0.7-24.el9 libfoo'];

test('a sqlite rpmdb written by rpm lists its packages', { skip }, async () => {
  assert.deepEqual(await packagesOf('var/lib/rpm/rpmdb.sqlite', sqliteDb), EXPECTED);
});

test('a BerkeleyDB Packages written by db5.3_load lists the same packages, headers across overflow pages', {
  skip,
}, async () => {
  assert.equal(bdbHashValues(bdb)?.length, 2);
  assert.deepEqual(await packagesOf('var/lib/rpm/Packages', bdb), EXPECTED);
  assert.equal(bdbHashValues(Buffer.alloc(4096)), undefined, 'zeros are not a database');
});

/**
 * An NDB Packages.db holding `blobs`, written here to rpm's lib/backend/ndb/rpmpkg.c layout (Debian's rpm has no
 * ndb backend to write one): header, one slot page, then each blob with its head and tail on 16-byte blocks.
 */
function ndbFile(blobs: Buffer[]): Buffer {
  const le = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    return b;
  };
  const magic = (s: string) => Buffer.from(s, 'latin1');
  const page = Buffer.alloc(4096);
  Buffer.concat([magic('RpmP'), le(0), le(1), le(1), le(blobs.length + 1)]).copy(page, 0);
  const parts: Buffer[] = [];
  let blk = 4096 / 16;
  for (const [i, blob] of blobs.entries()) {
    const body = Buffer.concat([
      magic('BlbS'),
      le(i + 1),
      le(0),
      le(blob.length),
      blob,
      le(0),
      le(blob.length),
      magic('BlbE'),
    ]);
    const padded = Buffer.concat([body, Buffer.alloc((16 - (body.length % 16)) % 16)]);
    Buffer.concat([magic('Slot'), le(i + 1), le(blk), le(padded.length / 16)]).copy(page, 32 + i * 16);
    parts.push(padded);
    blk += padded.length / 16;
  }
  // Every other slot of the page is empty but still carries its magic.
  for (let at = 32 + blobs.length * 16; at < 4096; at += 16) magic('Slot').copy(page, at);
  return Buffer.concat([page, ...parts]);
}

test("SUSE's NDB Packages.db lists the same packages", { skip }, async () => {
  const file = ndbFile(headers);
  assert.equal(ndbBlobs(file)?.length, 2);
  assert.deepEqual(await packagesOf('usr/lib/sysimage/rpm/Packages.db', file), EXPECTED);
  assert.equal(ndbBlobs(Buffer.from('RpmP not really')), undefined);
});

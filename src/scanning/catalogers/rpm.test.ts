// The rpm cataloger over an rpmdb.sqlite built here: a `Packages` table whose blobs are RPM headers written by
// this test to the v4 header layout (index entries, then data), with an epoch, a source rpm and a gpg-pubkey
// pseudo-package (skipped); and a database file that is not one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import initSqlJs from 'sql.js';
import { filesystemOf } from '../../../test/support/file-entry.js';
import { catalogRpm, parseRpmHeader } from './rpm.js';

/** An RPM header (no magic): il, dl, then 16-byte entries, then the data. */
function header(tags: Array<[number, 'string' | 'int32', string | number]>): Buffer {
  const entries: Buffer[] = [];
  const data: Buffer[] = [];
  let offset = 0;
  for (const [tag, kind, value] of tags) {
    // INT32 data is 4-byte aligned, as rpm writes it.
    if (kind === 'int32' && offset % 4) {
      const pad = 4 - (offset % 4);
      data.push(Buffer.alloc(pad));
      offset += pad;
    }
    const bytes = kind === 'string' ? Buffer.from(`${value}\0`) : Buffer.alloc(4);
    if (kind === 'int32') bytes.writeUInt32BE(Number(value));
    const e = Buffer.alloc(16);
    e.writeUInt32BE(tag, 0);
    e.writeUInt32BE(kind === 'string' ? 6 : 4, 4);
    e.writeUInt32BE(offset, 8);
    e.writeUInt32BE(1, 12);
    entries.push(e);
    data.push(bytes);
    offset += bytes.length;
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(entries.length, 0);
  head.writeUInt32BE(offset, 4);
  return Buffer.concat([head, ...entries, ...data]);
}

async function rpmdb(blobs: Buffer[]): Promise<Buffer> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
  for (const b of blobs) db.run('INSERT INTO Packages (blob) VALUES (?)', [b]);
  const bytes = Buffer.from(db.export());
  db.close();
  return bytes;
}

test('rpmdb.sqlite headers become packages with epoch, release and source', async () => {
  const openssl = header([
    [1000, 'string', 'openssl-libs'],
    [1001, 'string', '3.0.7'],
    [1002, 'string', '24.el9'],
    [1003, 'int32', 1],
    [1044, 'string', 'openssl-3.0.7-24.el9.src.rpm'],
  ]);
  const bash = header([
    [1000, 'string', 'bash'],
    [1001, 'string', '5.1.8'],
    [1002, 'string', '6.el9'],
    [1044, 'string', 'bash-5.1.8-6.el9.src.rpm'],
  ]);
  const key = header([
    [1000, 'string', 'gpg-pubkey'],
    [1001, 'string', 'fd431d51'],
    [1002, 'string', '4ae0493b'],
  ]);
  const fs = filesystemOf({
    'var/lib/rpm/rpmdb.sqlite': await rpmdb([openssl, bash, key]),
    'usr/lib/sysimage/rpm/rpmdb.sqlite': 'not a database at all',
  });
  const packages = await catalogRpm(fs);
  assert.deepEqual(
    packages.map((p) => [p.name, p.version, p.source?.name]),
    [
      ['openssl-libs', '1:3.0.7-24.el9', 'openssl'],
      ['bash', '5.1.8-6.el9', 'bash'],
    ],
  );
  assert.equal(parseRpmHeader(Buffer.from([0, 0])), undefined);
});

// `regatta vulndb update` against a loopback server laid out like OSV's export bucket (zips built here from
// generated records, strong ETags): the first run downloads and validates every feed and makes it live; a second
// run costs one request per unchanged feed; a changed listing fetches just the changed records; a body cut off
// mid-download and a corrupt zip fail their feed, keep its previous data and are reported; a local folder works
// as an air-gapped mirror; malware lists and secret rules load from a URL and from a folder.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { findSecrets } from '../../src/scanning/checks/secrets.js';
import { loadScanDatabases } from '../../src/scanning/databases.js';
import { DEBIAN_FACTS, EICAR_SHA256, NPM_FACTS, osvRecord } from '../support/advisories.js';
import { type OsvServer, startOsvServer, writeAllZip, writeModifiedIds, writeRecord } from '../support/osv-server.js';
import { json, runCli } from './cli.js';

let tmp: string;
let osv: OsvServer;
let into: string;

interface Report {
  changed: boolean;
  ok: boolean;
  feeds: Array<{ name: string; status: string; records: number; requests: number; error?: { code: string } }>;
}

const debian = DEBIAN_FACTS.map(osvRecord);
const npm = NPM_FACTS.map(osvRecord);
const go = [
  osvRecord({
    id: 'GO-TEST-1',
    ecosystem: 'Go',
    package: 'example.com/a',
    ranges: [[{ introduced: '0' }, { fixed: '1.0.0' }]],
  }),
  osvRecord({
    id: 'GO-TEST-2',
    ecosystem: 'Go',
    package: 'example.com/b',
    ranges: [[{ introduced: '0' }, { fixed: '2.0.0' }]],
  }),
];

const update = async (...extra: string[]) => {
  const r = await runCli(['vulndb', 'update', '--json', '--into', into, '--url', osv.url, ...extra]);
  return { code: r.code, stderr: r.stderr, report: json<Report>(r) };
};
const feed = (report: Report, name: string) => report.feeds.find((f) => f.name === name)!;
const requestsSince = (mark: number) => osv.log.slice(mark).map((l) => `${l.path} ${l.status}`);

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'regatta-feeds-'));
  into = join(tmp, 'vulndb');
  const root = join(tmp, 'bucket');
  writeAllZip(root, 'Debian', debian);
  writeModifiedIds(root, 'Debian', debian);
  writeAllZip(root, 'npm', npm);
  writeModifiedIds(root, 'npm', npm);
  // A plain mirror: all.zip, no listing.
  writeAllZip(root, 'Go', go);
  osv = await startOsvServer(root);
});
after(async () => {
  await osv?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('the first update downloads, validates and makes every feed live', async () => {
  const { code, report } = await update('--ecosystems', 'Debian,npm,Go');
  assert.equal(code, 0);
  assert.equal(report.changed, true);
  assert.deepEqual(
    report.feeds.map((f) => [f.name, f.status, f.records]),
    [
      ['Debian', 'updated', debian.length],
      ['npm', 'updated', npm.length],
      ['Go', 'updated', go.length],
    ],
  );
  const dbs = await loadScanDatabases(into);
  assert.equal(dbs.advisories.records, debian.length + npm.length + go.length);
  assert.equal(
    dbs.advisories.lookup('Debian:12', 'openssl').length,
    DEBIAN_FACTS.filter((f) => f.package === 'openssl').length,
  );
  assert.ok(dbs.feeds?.updatedAt);
  assert.deepEqual(
    dbs.sources.filter((s) => s.origin === 'feed').map((s) => [s.name, s.records]),
    [
      ['Debian', debian.length],
      ['Go', go.length],
      ['npm', npm.length],
    ],
  );
  const left = (await readdir(join(into, 'feeds'))).filter((e) => e.startsWith('.tmp-'));
  assert.deepEqual(left, [], 'no temporary generation is left');
});

test('an unchanged feed costs one request: the listing, or all.zip where there is none, answered 304', async () => {
  const mark = osv.log.length;
  const { code, report } = await update('--ecosystems', 'Debian,npm,Go');
  assert.equal(code, 0);
  assert.equal(report.changed, false);
  assert.deepEqual(
    report.feeds.map((f) => [f.name, f.status, f.requests]),
    [
      ['Debian', 'unchanged', 1],
      ['npm', 'unchanged', 1],
      ['Go', 'unchanged', 1],
    ],
  );
  assert.deepEqual(requestsSince(mark), ['/Debian/modified_id.csv 304', '/npm/modified_id.csv 304', '/Go/all.zip 304']);
});

test('a changed listing fetches only the records modified since; the newer copy of an id wins', async () => {
  const root = osv.root;
  const added = osvRecord({
    id: 'DEBIAN-CVE-2026-0001',
    aliases: ['CVE-2026-0001'],
    ecosystem: 'Debian:12',
    package: 'zlib',
    modified: '2026-06-01T00:00:00Z',
    ranges: [[{ introduced: '0' }, { fixed: '1:1.2.13.dfsg-1+deb12u1' }]],
  });
  // An existing advisory revised: now fixed later.
  const revised = osvRecord({
    ...DEBIAN_FACTS[1]!,
    modified: '2026-06-02T00:00:00Z',
    ranges: [[{ introduced: '0' }, { fixed: '3.0.99-1' }]],
  });
  writeRecord(root, 'Debian', added);
  writeRecord(root, 'Debian', revised);
  writeModifiedIds(root, 'Debian', [...debian.slice(0, 1), revised, ...debian.slice(2), added]);
  const mark = osv.log.length;
  const { report } = await update('--ecosystems', 'Debian,npm,Go');
  assert.equal(feed(report, 'Debian').status, 'updated');
  assert.deepEqual(requestsSince(mark).sort(), [
    `/Debian/${revised.id}.json 200`,
    `/Debian/${added.id}.json 200`,
    '/Debian/modified_id.csv 200',
    '/Go/all.zip 304',
    '/npm/modified_id.csv 304',
  ]);
  const dbs = await loadScanDatabases(into);
  assert.equal(dbs.advisories.records, debian.length + npm.length + go.length + 1);
  const openssl = dbs.advisories.lookup('Debian:12', 'openssl').find((r) => r.id === revised.id)!;
  assert.equal(openssl.modified, '2026-06-02T00:00:00Z');
});

test('a body cut off mid-download and a corrupt zip fail their feed; its previous data stays live', async () => {
  const root = osv.root;
  const before = (await loadScanDatabases(into)).version;
  writeAllZip(root, 'Go', [
    ...go,
    osvRecord({ id: 'GO-TEST-3', ecosystem: 'Go', package: 'example.com/c', ranges: [[{ introduced: '0' }]] }),
  ]);
  osv.cutNext('/Go/all.zip', 200);
  const cut = await update('--ecosystems', 'Debian,npm,Go');
  assert.equal(cut.code, 1);
  assert.match(cut.stderr, /VULNDB_UPDATE_INCOMPLETE: Go failed/);
  assert.deepEqual(
    [feed(cut.report, 'Go').status, feed(cut.report, 'Go').error?.code],
    ['failed', 'VULNDB_FETCH_FAILED'],
  );
  assert.equal(feed(cut.report, 'Go').records, go.length, 'the previous records are still counted');
  assert.equal((await loadScanDatabases(into)).version, before, 'nothing changed');

  await writeFile(join(root, 'Go', 'all.zip'), Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(300, 7)]));
  const corrupt = await update('--ecosystems', 'Debian,npm,Go');
  assert.equal(corrupt.code, 1);
  assert.equal(feed(corrupt.report, 'Go').error?.code, 'VULNDB_INVALID');
  const dbs = await loadScanDatabases(into);
  assert.equal(dbs.version, before);
  assert.equal(dbs.advisories.lookup('Go', 'example.com/a').length, 1);
  assert.deepEqual(
    (await readdir(join(into, 'feeds'))).filter((e) => e.startsWith('.tmp-')),
    [],
  );
});

test('records with wrong field types are refused, not made live', async () => {
  const root = osv.root;
  const poisoned = npm.map((r) => ({
    ...r,
    affected: [
      { package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ introduced: { x: 1 } }] }] },
    ],
  }));
  const revised = poisoned.map((r) => ({ ...r, modified: '2027-01-01T00:00:00Z' }));
  for (const r of revised) writeRecord(root, 'npm', r);
  writeModifiedIds(root, 'npm', revised);
  const { code, report } = await update('--ecosystems', 'npm');
  assert.equal(code, 1);
  assert.equal(feed(report, 'npm').error?.code, 'VULNDB_INVALID');
  assert.equal((await loadScanDatabases(into)).advisories.lookup('npm', 'lodash').length, 6);
});

test('a local folder is a mirror too (air-gapped); malware lists and secret rules load from a URL and a folder', async () => {
  const local = join(tmp, 'usb');
  writeAllZip(local, 'Debian', debian);
  const lists = join(tmp, 'lists');
  await mkdir(lists);
  await writeFile(join(lists, 'team-hashes.txt'), `# our own\n${'ab'.repeat(32)};Team-Known-Bad\n`);
  await writeFile(join(osv.root, 'extra-hashes.txt'), `${EICAR_SHA256};EICAR from the feed\n`);
  await writeFile(
    join(osv.root, 'rules.toml'),
    '[[rules]]\nid = "acme-token"\ndescription = "ACME token"\nregex = \'\'\'acme_[a-z0-9]{16}\'\'\'\nkeywords = ["acme_"]\n',
  );
  const other = join(tmp, 'vulndb-usb');
  const r = await runCli([
    'vulndb',
    'update',
    '--json',
    '--into',
    other,
    '--url',
    local,
    '--ecosystems',
    'Debian',
    '--malware',
    `${osv.url}/extra-hashes.txt`,
    lists,
    '--rules',
    `${osv.url}/rules.toml`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const report = json<Report>(r);
  assert.deepEqual(
    report.feeds.map((f) => [f.status, f.records]),
    [
      ['updated', debian.length],
      ['updated', 1],
      ['updated', 1],
      ['updated', 1],
    ],
  );
  const dbs = await loadScanDatabases(other);
  assert.equal(dbs.advisories.records, debian.length);
  assert.equal(dbs.hashes.size, 4, 'EICAR (built in, three hashes; the feed renames one) and the team hash');
  assert.deepEqual(
    findSecrets(dbs.secrets, 'x = acme_0123456789abcdef').map((f) => f.rule),
    ['secret.acme-token'],
  );
  // The same folder again: unchanged, by size and modification time.
  const again = json<Report>(
    await runCli(['vulndb', 'update', '--json', '--into', other, '--url', local, '--ecosystems', 'Debian']),
  );
  assert.equal(again.changed, false);
  assert.ok(existsSync(join(other, 'feeds', 'current')));
});

test('vulndb status says what the folder holds and when it was updated', async () => {
  const r = await runCli(['vulndb', 'status', '--json', '--into', into]);
  assert.equal(r.code, 0, r.stderr);
  const out = json<{ advisories: number; updated_at: string; sources: Array<{ origin: string; name: string }> }>(r);
  assert.ok(out.advisories > debian.length);
  assert.ok(Date.parse(out.updated_at) > 0);
  assert.ok(out.sources.some((s) => s.origin === 'builtin' && s.name === 'regatta-secret-rules'));
});

// `regatta vulndb import` with a zip of OSV records (made with Debian's zip tool, as osv.dev ships them) and a
// single record: the advisory folder grows, its version changes, and `regatta scan` then matches the imported
// advisory against an image in a real registry. A source without records is refused and changes nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { scanDatabases } from '../../src/services/scanning.js';
import { pushImage } from '../support/fixtures.js';
import { buildLayeredImage } from '../support/layered-image.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { json, runCli } from './cli.js';

let dir: string;
let registry: TestRegistry;

const record = (id: string, name: string, fixed: string) => ({
  schema_version: '1.6.0',
  id,
  modified: '2026-01-01T00:00:00Z',
  aliases: [id.replace(/^TEST-/, 'CVE-')],
  summary: `test advisory for ${name}`,
  affected: [
    { package: { ecosystem: 'npm', name }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed }] }] },
  ],
});

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'regatta-vulndb-'));
  await mkdir(join(dir, 'src'));
  await writeFile(
    join(dir, 'src', 'TEST-2026-0001.json'),
    JSON.stringify(record('TEST-2026-0001', 'left-pad', '1.3.0')),
  );
  await writeFile(
    join(dir, 'src', 'TEST-2026-0002.json'),
    JSON.stringify(record('TEST-2026-0002', 'left-pad', '2.0.0')),
  );
  execFileSync('zip', [
    '-q',
    '-j',
    join(dir, 'npm-all.zip'),
    join(dir, 'src', 'TEST-2026-0001.json'),
    join(dir, 'src', 'TEST-2026-0002.json'),
  ]);
  await writeFile(join(dir, 'single.json'), JSON.stringify(record('TEST-2026-0003', 'is-odd', '3.0.0')));
  await writeFile(join(dir, 'empty.json'), '{"not": "a record"}');
  registry = await startRegistry();
  const image = await buildLayeredImage(
    [
      {
        entries: [
          { name: 'app/node_modules/left-pad/package.json', content: '{"name":"left-pad","version":"1.1.0"}' },
          { name: 'app/node_modules/is-odd/package.json', content: '{"name":"is-odd","version":"2.0.0"}' },
        ],
      },
    ],
    { User: 'app' },
  );
  await pushImage(registry, 'js/app', '1', image);
});
after(async () => {
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a zip and a record import; the version changes; scans match the imported advisories', async () => {
  const into = join(dir, 'vulndb');
  const zip = await runCli(['vulndb', 'import', '--into', into, '--json', join(dir, 'npm-all.zip')]);
  assert.equal(zip.code, 0, zip.stderr);
  const first = json<{ imported: number; records: number; version: string }>(zip);
  assert.deepEqual([first.imported, first.records], [2, 2]);
  const single = await runCli(['vulndb', 'import', '--into', into, '--json', join(dir, 'single.json')]);
  const second = json<{ imported: number; records: number; version: string }>(single);
  assert.deepEqual([second.imported, second.records], [1, 3]);
  assert.notEqual(second.version, first.version);
  assert.deepEqual((await readdir(join(into, 'osv'))).sort(), ['imported', 'npm-all.zip']);

  const scan = await runCli(['scan', '--vulndb', into, '--json', `${registry.host}/js/app:1`]);
  assert.equal(scan.code, 0, scan.stderr);
  const found = json<{ vulnerabilities: Array<{ id: string; package: { name: string } }> }>(scan).vulnerabilities;
  assert.deepEqual(found.map((v) => `${v.package.name} ${v.id}`).sort(), [
    'is-odd CVE-2026-0003',
    'left-pad CVE-2026-0001',
    'left-pad CVE-2026-0002',
  ]);
});

test('a source without OSV records is refused and nothing is written', async () => {
  const into = join(dir, 'untouched');
  const r = await runCli(['vulndb', 'import', '--into', into, join(dir, 'empty.json')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /VULNDB_EMPTY/);
  await assert.rejects(readdir(into));
  const missing = await runCli(['vulndb', 'import', '--into', into, join(dir, 'nope.zip')]);
  assert.equal(missing.code, 2);
});

test("a worker's database is loaded again once its folder changed, and only then", async () => {
  const into = join(dir, 'live');
  await runCli(['vulndb', 'import', '--into', into, join(dir, 'single.json')]);
  const before = await scanDatabases(into);
  assert.equal(await scanDatabases(into), before, 'unchanged folder: the same database');
  const r = await runCli(['vulndb', 'import', '--into', into, join(dir, 'npm-all.zip')]);
  assert.equal(r.code, 0, r.stderr);
  const after = await scanDatabases(into);
  assert.notEqual(after.version, before.version);
  assert.equal(after.advisories.records, 3);
});

// The scanner end to end against a real registry and the real advisory data (../shared/vulndb): an image built
// in code with old and current Debian 12 packages (versions from debian-bookworm-versions.json), a vulnerable npm
// package and one removed by a whiteout in a later layer, the EICAR test file, a private key, and unsafe
// settings. The Debian findings expected are computed here, independently of src/, from the OSV files with
// `dpkg --compare-versions`; the scan must report exactly those, none for the current packages or the removed one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/oci/client.js';
import { loadScanDatabases, type ScanDatabases } from '../../src/scanning/databases.js';
import { ScanError } from '../../src/scanning/errors.js';
import { DEFAULT_LIMITS } from '../../src/scanning/image-reader.js';
import { scanImage } from '../../src/scanning/scan.js';
import { pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { buildRiskyImage, DEBS, versionOf } from '../support/risky-image.js';
import { VULNDB } from '../support/vulndb.js';
import { json, runCli } from './cli.js';

let registry: TestRegistry;
let dbs: ScanDatabases;
let client: RegistryClient;
let tmp: string;

before(async () => {
  registry = await startRegistry();
  tmp = await mkdtemp(join(tmpdir(), 'regatta-scan-'));
  const image = await buildRiskyImage();
  await pushImage(registry, 'scan/app', 'risky', image);
  dbs = await loadScanDatabases(VULNDB);
  client = new RegistryClient(registry.host);
});
after(async () => {
  await client?.close();
  await registry?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** (binary package, CVE) pairs the Debian advisories say apply, decided by dpkg itself. */
async function expectedDebianFindings(): Promise<Set<string>> {
  const dir = join(VULNDB, 'osv', 'debian-bookworm');
  const sources = new Set(DEBS.map((d) => d.source));
  const expected = new Set<string>();
  const dpkgLt = (a: string, b: string) => spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0;
  for (const file of await readdir(dir)) {
    const record = JSON.parse(await readFile(join(dir, file), 'utf8'));
    if (record.withdrawn) continue;
    for (const affected of record.affected) {
      if (affected.package.ecosystem !== 'Debian:12' || !sources.has(affected.package.name)) continue;
      for (const d of DEBS.filter((x) => x.source === affected.package.name)) {
        const v = versionOf(d);
        const hit = affected.ranges.some((r: { events: Array<Record<string, string>> }) => {
          const introduced = r.events.find((e) => e.introduced)?.introduced ?? '0';
          const fixed = r.events.find((e) => e.fixed)?.fixed;
          return (introduced === '0' || !dpkgLt(v, introduced)) && (fixed === undefined || dpkgLt(v, fixed));
        });
        const cve = [record.id, ...(record.aliases ?? [])].find((i: string) => i.startsWith('CVE-')) ?? record.id;
        if (hit) expected.add(`${d.name} ${cve}`);
      }
    }
  }
  return expected;
}

test('a risky image is scanned: every Debian advisory dpkg says applies, npm, EICAR, settings, severity High', async () => {
  const manifest = await client.manifestGet('scan/app', 'risky');
  const report = await scanImage({ client, repository: 'scan/app', manifest }, dbs);
  assert.equal(report.os?.id, 'debian');
  assert.deepEqual(
    report.packages
      .filter((p) => p.type === 'deb')
      .map((p) => p.name)
      .sort(),
    DEBS.map((d) => d.name).sort(),
  );

  const expected = await expectedDebianFindings();
  assert.ok(expected.size > 20, `${expected.size} Debian findings expected`);
  const debFindings = report.vulnerabilities.filter((v) => v.package.type === 'deb');
  assert.deepEqual(new Set(debFindings.map((v) => `${v.package.name} ${v.id}`)), expected);
  for (const current of ['libcurl4', 'tar']) {
    assert.ok(!debFindings.some((v) => v.package.name === current), `${current} is at its fixed version`);
  }
  for (const v of debFindings) assert.ok(v.fixedVersion, `${v.id} names its fix`);

  const npm = report.vulnerabilities.filter((v) => v.package.type === 'npm');
  // GHSA-29mw, GHSA-35jh, GHSA-p6mc and the Node WG's 516 (no CVE alias) name 4.17.15; 368 and 493 were fixed before.
  assert.deepEqual(npm.map((v) => v.id).sort(), ['CVE-2020-28500', 'CVE-2020-8203', 'CVE-2021-23337', 'NSWG-ECO-516']);
  assert.ok(
    npm.every((v) => v.package.version === '4.17.15'),
    'the fixed lodash copy is clean',
  );
  assert.ok(!report.packages.some((p) => p.name === 'minimist'), 'the whiteout removed minimist');

  assert.deepEqual(
    report.maliciousFiles.map((m) => [m.path, m.ioc.comment, m.ioc.list]),
    [['tmp/eicar.com', 'EICAR-Test-File (SHA256)', 'test-hashes.txt']],
  );
  const rules = report.unsafeSettings.map((f) => f.rule).sort();
  assert.deepEqual(rules, [
    'env.secret',
    'file.setuid',
    'history.pipe-shell',
    'port.ssh',
    'sshd.installed',
    'user.root',
  ]);
  assert.ok(!JSON.stringify(report.unsafeSettings).includes('0123456789abcdef'), 'the secret is masked');
  assert.deepEqual(report.sensitiveFiles.map((f) => [f.rule, f.location]).sort(), [
    ['secret.aws-access-token', '/srv/app/settings.py:2'],
    ['secret.generic-api-key', 'config.Env'],
    ['secret.github-pat', '/srv/app/.github-token:1'],
    ['secret.private-key', '/root/.ssh/id_rsa'],
  ]);
  assert.ok(!JSON.stringify(report.sensitiveFiles).includes('XW6PLMNBV'), 'secrets are masked in findings');
  assert.deepEqual(report.summary, {
    vul_num: report.vulnerabilities.length,
    malicious_file_num: 1,
    unsafe_setting_num: 6,
    sensitive_file_num: 4,
    severity_level: 'High',
  });
});

test('regatta scan prints the report as JSON, writes a CycloneDX SBOM and fails on a severity policy', async () => {
  const sbomPath = join(tmp, 'sbom.json');
  const ref = `${registry.host}/scan/app:risky`;
  const r = await runCli(['scan', '--vulndb', VULNDB, '--sbom', sbomPath, '--json', ref]);
  assert.equal(r.code, 0, r.stderr);
  const out = json<{ summary: { severity_level: string }; maliciousFiles: unknown[] }>(r);
  assert.equal(out.summary.severity_level, 'High');
  const sbom = JSON.parse(await readFile(sbomPath, 'utf8'));
  assert.equal(sbom.bomFormat, 'CycloneDX');
  assert.ok(sbom.components.some((c: { purl: string }) => c.purl.startsWith('pkg:deb/debian/libssl3@3.0.9-1')));
  assert.ok(sbom.components.some((c: { purl: string }) => c.purl === 'pkg:npm/lodash@4.17.15'));
  const gated = await runCli(['scan', '--vulndb', VULNDB, '--fail-on', 'high', ref]);
  assert.equal(gated.code, 1);
  assert.match(gated.stderr, /SCAN_POLICY/);
  assert.match(gated.stdout, /MALICIOUS \/tmp\/eicar\.com/);
});

test('an image or layer over its size limit fails with the seed codes before any layer is read', async () => {
  const manifest = await client.manifestGet('scan/app', 'risky');
  const src = { client, repository: 'scan/app', manifest };
  const expectCode = (code: string) => (err: unknown) => err instanceof ScanError && err.code === code;
  await assert.rejects(
    scanImage(src, dbs, { limits: { ...DEFAULT_LIMITS, maxLayerBytes: 100 } }),
    expectCode('image_layer_over_sized'),
  );
  await assert.rejects(
    scanImage(src, dbs, { limits: { ...DEFAULT_LIMITS, maxImageBytes: 100 } }),
    expectCode('image_over_sized'),
  );
});

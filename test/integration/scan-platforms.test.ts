// `regatta scan` of a multi-arch tag (issue 17), through the real CLI against a real registry: an index whose
// Debian 12 arm64 image carries a vulnerable libssl3 and whose amd64 image a fixed one, beside a buildx-style
// attestation (`unknown/unknown`, in-toto layer). Without --platform every platform is reported on its own and
// the summary and --fail-on follow the worst; --platform scans one as a plain image; an unknown one is a usage
// error naming what the index has.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { debianImage } from '../support/debian-platforms.js';
import { type BuiltImage, type BuiltIndex, blobOf, buildIndex, finishImage, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { versions } from '../support/risky-image.js';
import { VULNDB } from '../support/vulndb.js';
import { json, runCli } from './cli.js';

let registry: TestRegistry;
let tmp: string;
let index: BuiltIndex;
let ref: string;

/** What buildx puts beside the platforms: an in-toto attestation manifest, platform `unknown/unknown`. */
function attestation(): BuiltImage {
  const statement = JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://slsa.dev' });
  return finishImage(
    'oci',
    blobOf(Buffer.from('{}'), 'application/vnd.oci.image.config.v1+json'),
    [blobOf(Buffer.from(statement), 'application/vnd.in-toto+json')],
    { os: 'unknown', architecture: 'unknown' },
  );
}

interface PlatformJson {
  platform: { os: string; architecture: string; variant?: string };
  digest: string;
  packages: unknown[];
  summary: { vul_num: number; severity_level: string };
}

before(async () => {
  registry = await startRegistry();
  tmp = await mkdtemp(join(tmpdir(), 'regatta-scan-platforms-'));
  const arm64 = await debianImage(
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
    versions.openssl!.release,
    'cli-platform',
  );
  const amd64 = await debianImage({ os: 'linux', architecture: 'amd64' }, versions.openssl!.current, 'cli-platform');
  index = buildIndex([amd64, arm64, attestation()], 'oci');
  await pushImage(registry, 'cli/multi', 'v1', index);
  ref = `${registry.host}/cli/multi:v1`;
});
after(async () => {
  await registry?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('without --platform every platform is scanned by its digest; the summary and --fail-on follow the worst', async () => {
  const [amd64, arm64] = index.children;
  const sbom = join(tmp, 'sbom.json');
  const r = await runCli(['scan', '--vulndb', VULNDB, '--json', '--sbom', sbom, ref]);
  assert.equal(r.code, 0, r.stderr);
  const out = json<{
    reference: string;
    digest: string;
    platforms: PlatformJson[];
    summary: { vul_num: number; severity_level: string };
  }>(r);
  assert.deepEqual([out.reference, out.digest], [ref, index.digest]);
  assert.deepEqual(
    out.platforms.map((p) => [p.platform, p.digest]),
    [
      [{ os: 'linux', architecture: 'amd64' }, amd64!.digest],
      [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, arm64!.digest],
    ],
    'the attestation is no platform',
  );
  const [amd, arm] = out.platforms;
  assert.ok(arm!.summary.vul_num > 0, `arm64 vul_num ${arm!.summary.vul_num}`);
  assert.deepEqual([amd!.summary.vul_num, amd!.summary.severity_level], [0, 'Security']);
  // amd64 adds nothing: the index's distinct findings are arm64's, and so is its severity.
  assert.equal(out.summary.vul_num, arm!.summary.vul_num);
  assert.equal(out.summary.severity_level, arm!.summary.severity_level);
  assert.notEqual(out.summary.severity_level, 'Security');

  // One SBOM per platform, named after it, each naming its platform image.
  for (const [file, digest] of [
    ['sbom-linux-amd64.json', amd64!.digest],
    ['sbom-linux-arm64-v8.json', arm64!.digest],
  ] as const) {
    const bom = JSON.parse(await readFile(join(tmp, file), 'utf8'));
    assert.equal(bom.metadata.component.version, digest);
    assert.ok(bom.components.some((c: { purl: string }) => c.purl.startsWith('pkg:deb/debian/libssl3@')));
  }

  const gated = await runCli(['scan', '--vulndb', VULNDB, '--fail-on', 'Medium', ref]);
  assert.equal(gated.code, 1, gated.stderr);
  assert.match(gated.stderr, /SCAN_POLICY/);
  assert.match(gated.stdout, /^linux\/amd64\n.*\nseverity Security: 0 vulnerabilities/m);
  assert.match(gated.stdout, /^linux\/arm64\/v8\n/m);
  assert.match(gated.stdout, /libssl3 3\.0\.9-1 → /);
  assert.match(
    gated.stdout,
    new RegExp(`^overall severity \\w+: ${out.summary.vul_num} distinct vulnerabilities`, 'm'),
  );
});

test('--platform scans that platform alone, in the single-image report', async () => {
  const r = await runCli([
    'scan',
    '--vulndb',
    VULNDB,
    '--json',
    '--fail-on',
    'Medium',
    '--platform',
    'linux/amd64',
    ref,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = json<PlatformJson & { reference: string; platforms?: unknown }>(r);
  assert.equal(out.platforms, undefined);
  assert.equal(out.digest, index.children[0]!.digest);
  assert.deepEqual([out.summary.vul_num, out.summary.severity_level], [0, 'Security']);
});

test('an unknown --platform is a usage error naming the platforms of the index', async () => {
  const r = await runCli(['scan', '--vulndb', VULNDB, '--platform', 'linux/s390x', ref]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /USAGE: --platform linux\/s390x: .*linux\/amd64, linux\/arm64\/v8\)/);
  assert.doesNotMatch(r.stderr, /unknown\/unknown/);
  const bad = await runCli(['scan', '--vulndb', VULNDB, '--platform', 'linux', ref]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /USAGE: --platform: "linux" is not os\/arch/);
});

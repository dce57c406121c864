// Referrers travel with their images (issue 15), through real Distribution registries (no referrers API: the tag
// schemas carry them): a plain image with two cosign signatures, an SBOM attestation and an OCI 1.1 SBOM artifact
// (the `sha256-<hex>` fallback index), the SBOM artifact itself signed (a referrer of a referrer), a
// multi-arch index signed at the top and on one platform, and a nested index (an index of that index) signed at
// both levels. Synced by the CLI and by a rule through the server;
// at the target, skopeo (an independent reader) finds every referrer tag with the source's bytes, and the
// fallback index lists the SBOM artifact.
import assert from 'node:assert/strict';
import type { KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  authorization,
  type BuiltImage,
  type BuiltIndex,
  buildImage,
  buildMultiArch,
  MEDIA_TYPES,
  pushImage,
  pushManifest,
} from '../support/fixtures.js';
import { cosignKeyPair, pushCosignSignature, pushOciReferrer, pushSbomAttestation } from '../support/referrers.js';
import { startReferrersApiProxy } from '../support/referrers-api-proxy.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sha256Hex, skopeo, skopeoInspectRaw } from '../support/skopeo.js';
import { until } from '../support/until.js';
import { json, runCli } from './cli.js';
import { addRegistry, apiCall, hssCall, inventorySync, runRule, startServer, type TestServer } from './server.js';

let source: TestRegistry;
let app: BuiltImage;
let unsigned: BuiltImage;
let tool: BuiltIndex;
let key: KeyObject;
let publicKeyPem: string;
/** Every referrer-schema tag pushed at the source, by repository. */
const referrerTagsOf = new Map<string, string[]>();
let sbomDigest: string;
let bundleDigest: string;

const hexOf = (digest: string) => digest.slice('sha256:'.length);

before(async () => {
  source = await startRegistry();
  ({ privateKey: key, publicKeyPem } = cosignKeyPair());
  app = await buildImage({ format: 'oci', seed: 'signed-app', layers: 2 });
  unsigned = await buildImage({ format: 'oci', seed: 'unsigned-app' });
  tool = await buildMultiArch('oci', 'signed-tool');
  await pushImage(source, 'supply/app', '1.0', app);
  await pushImage(source, 'supply/app', '0.9', unsigned);
  await pushImage(source, 'supply/tool', '2.0', tool);

  // app:1.0: two signatures (cosign appends the second to the .sig manifest), an SBOM attestation, an OCI 1.1
  // SBOM artifact whose subject is the image, and a signature of that artifact.
  await pushCosignSignature(source, 'supply/app', app.digest, key);
  await pushCosignSignature(source, 'supply/app', app.digest, cosignKeyPair().privateKey, { append: true });
  await pushSbomAttestation(source, 'supply/app', app.digest, key);
  const sbom = await pushOciReferrer(
    source,
    'supply/app',
    { mediaType: app.mediaType, digest: app.digest, size: app.manifest.length },
    {
      artifactType: 'application/spdx+json',
      blob: Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'signed-app' })),
      blobMediaType: 'application/spdx+json',
    },
  );
  sbomDigest = sbom.descriptor.digest;
  await pushCosignSignature(source, 'supply/app', sbomDigest, key);
  referrerTagsOf.set('supply/app', [
    `sha256-${hexOf(app.digest)}.sig`,
    `sha256-${hexOf(app.digest)}.att`,
    `sha256-${hexOf(app.digest)}`,
    `sha256-${hexOf(sbomDigest)}.sig`,
  ]);

  // tool:2.0, a multi-arch index: signed at the top and (cosign sign --recursive) on its first platform.
  const platform = tool.children[0]!.digest;
  await pushCosignSignature(source, 'supply/tool', tool.digest, key);
  await pushCosignSignature(source, 'supply/tool', platform, key);
  referrerTagsOf.set('supply/tool', [`sha256-${hexOf(tool.digest)}.sig`, `sha256-${hexOf(platform)}.sig`]);

  // bundle:1.0, a nested index: an OCI index whose one entry is tool's multi-arch index; both levels signed.
  await pushImage(source, 'supply/bundle', tool.digest, tool);
  const body = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.oci.index,
    manifests: [{ mediaType: tool.mediaType, digest: tool.digest, size: tool.manifest.length }],
  };
  const outer = Buffer.from(JSON.stringify(body));
  bundleDigest = sha256Hex(outer);
  const auth = await authorization(source, 'supply/bundle', 'pull,push');
  await pushManifest(
    source,
    'supply/bundle',
    '1.0',
    { mediaType: body.mediaType, manifest: outer, digest: bundleDigest },
    auth,
  );
  await pushCosignSignature(source, 'supply/bundle', bundleDigest, key);
  await pushCosignSignature(source, 'supply/bundle', tool.digest, key);
  referrerTagsOf.set('supply/bundle', [`sha256-${hexOf(bundleDigest)}.sig`, `sha256-${hexOf(tool.digest)}.sig`]);
});

after(async () => {
  await source?.stop();
});

const digestAt = async (reg: TestRegistry, ref: string) => sha256Hex(await skopeoInspectRaw(`${reg.host}/${ref}`));

async function tagsAt(reg: TestRegistry, repository: string): Promise<string[]> {
  try {
    const out = await skopeo(['list-tags', '--tls-verify=false', `docker://${reg.host}/${repository}`]);
    return (JSON.parse(out.toString()) as { Tags: string[] }).Tags.sort();
  } catch {
    return [];
  }
}

/** Every referrer tag of the source is at the target under `prefix`, with the source's bytes. */
async function assertReferrersAt(target: TestRegistry, prefix: string): Promise<void> {
  for (const [repository, tags] of referrerTagsOf) {
    const there = repository.replace(/^supply/, prefix);
    for (const tag of tags) {
      assert.equal(
        await digestAt(target, `${there}:${tag}`),
        await digestAt(source, `${repository}:${tag}`),
        `${there}:${tag} is the source's, byte for byte`,
      );
    }
  }
  // Found through the referrers tag schema: the fallback index of app:1.0 lists the SBOM artifact.
  const index = JSON.parse(
    (await skopeoInspectRaw(`${target.host}/${prefix}/app:sha256-${hexOf(app.digest)}`)).toString(),
  ) as { manifests: { digest: string; artifactType?: string }[] };
  assert.deepEqual(
    index.manifests.map((m) => [m.digest, m.artifactType]),
    [[sbomDigest, 'application/spdx+json']],
  );
  assert.equal(await digestAt(target, `${prefix}/app@${sbomDigest}`), sbomDigest);
}

test('regatta sync copies every referrer after its image, digest-identical; --no-referrers leaves them behind', async () => {
  const target = await startRegistry();
  try {
    const r = await runCli(['sync', '--json', `${source.host}/supply`, `${target.host}/mirror`]);
    assert.equal(r.code, 0, r.stderr);
    const report = json<{ totals: { images: number; copied: number; referrers: number } }>(r);
    // Four images; the referrer tags are not images of their own.
    assert.equal(report.totals.images, 4);
    assert.equal(report.totals.referrers, 8);
    await assertReferrersAt(target, 'mirror');
    assert.equal(await digestAt(target, 'mirror/tool:2.0'), tool.digest);
    assert.equal(await digestAt(target, 'mirror/bundle:1.0'), bundleDigest);
    assert.equal(await digestAt(target, `mirror/bundle@${tool.children[1]!.digest}`), tool.children[1]!.digest);

    // Nothing changed: nothing copied again.
    const again = json<{ totals: { copied: number; skipped: number; blobsCopied: number } }>(
      await runCli(['sync', '--json', `${source.host}/supply`, `${target.host}/mirror`]),
    );
    assert.deepEqual([again.totals.copied, again.totals.skipped, again.totals.blobsCopied], [0, 4, 0]);

    // A new signature of an image already there: the re-sync brings it.
    await pushCosignSignature(source, 'supply/app', unsigned.digest, key);
    const signed = json<{ totals: { copied: number } }>(
      await runCli(['sync', '--json', '--tags', '0\\.9', `${source.host}/supply`, `${target.host}/mirror`]),
    );
    assert.equal(signed.totals.copied, 1);
    const tag = `sha256-${hexOf(unsigned.digest)}.sig`;
    assert.equal(await digestAt(target, `mirror/app:${tag}`), await digestAt(source, `supply/app:${tag}`));
    referrerTagsOf.get('supply/app')!.push(tag);

    const bare = await runCli([
      'sync',
      '--json',
      '--no-referrers',
      '--tags',
      '1\\.0',
      `${source.host}/supply`,
      `${target.host}/bare`,
    ]);
    assert.equal(bare.code, 0, bare.stderr);
    assert.deepEqual(await tagsAt(target, 'bare/app'), ['1.0']);
  } finally {
    await target.stop();
  }
});

test('a rule run through the server copies the referrers too, and the inventory says which images are signed', async () => {
  const server: TestServer = await startServer();
  const target = await startRegistry();
  try {
    const src = await addRegistry(server.url, { name: 'src', host: source.host });
    const dst = await addRegistry(server.url, { name: 'dst', host: target.host });
    const rule = await apiCall(server.url, 'POST', '/rules', {
      body: { source: { registry_id: src, namespace: 'supply' }, target: { registry_id: dst, namespace: 'copy' } },
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.json));
    assert.equal(rule.json.referrers, true, 'referrers are on by default');
    const run = await runRule(server.url, rule.json.id);
    assert.equal(run.tasks, 4, 'one task per image; referrer tags ride with theirs');
    const tasks = await until('rule run done', async () => {
      const { json: t } = await apiCall(server.url, 'GET', `/tasks?batch_id=${run.batch_id}`);
      return t.tasks.every((x: { status: string }) => x.status === 'SUCCESS' || x.status === 'ERROR')
        ? t.tasks
        : undefined;
    });
    assert.deepEqual(
      tasks.map((t: { status: string; issue_detail: string | null }) => [t.status, t.issue_detail]),
      [
        ['SUCCESS', null],
        ['SUCCESS', null],
        ['SUCCESS', null],
        ['SUCCESS', null],
      ],
    );
    await assertReferrersAt(target, 'copy');

    await inventorySync(server.url, [src]);
    const rows = await hssCall(server.url, 'GET', '/image/registries/images', {
      query: { namespace: 'supply', image_name: 'app', limit: 50 },
    });
    const byVersion = new Map<string, Record<string, unknown>>(
      rows.json.data_list.map((r: Record<string, unknown>) => [r.image_version, r]),
    );
    assert.equal(byVersion.get('1.0')?.signed, true);
    assert.equal(byVersion.get('1.0')?.has_sbom, true);
    assert.equal(byVersion.get('0.9')?.signed, true, 'signed by the first test');
    assert.equal(byVersion.get('0.9')?.has_sbom, false);
    // The referrer tags themselves are rows too, each naming what it holds.
    const sig = byVersion.get(`sha256-${hexOf(app.digest)}.sig`);
    assert.equal(sig?.scannable, false);
  } finally {
    await server.stop();
    await target.stop();
  }
});

test('sync --require-signature copies only images a given key signed; a dry run shows the others blocked', async () => {
  const target = await startRegistry();
  const dir = await mkdtemp(join(tmpdir(), 'regatta-keys-'));
  try {
    const keyFile = join(dir, 'cosign.pub');
    await writeFile(keyFile, publicKeyPem);
    const stray = await buildImage({ format: 'oci', seed: 'never-signed' });
    await pushImage(source, 'supply/app', '0.8', stray);
    const args = ['--require-signature', keyFile, `${source.host}/supply`, `${target.host}/gated`];
    const plan = json<{ images: { source: string; status: string; code?: string; message?: string }[] }>(
      await runCli(['sync', '--json', '--dry-run', ...args]),
    );
    const byImage = Object.fromEntries(plan.images.map((o) => [o.source.split('/supply/')[1], o.status]));
    assert.deepEqual(byImage, {
      'app:0.8': 'blocked',
      'app:0.9': 'copy',
      'app:1.0': 'copy',
      'bundle:1.0': 'copy',
      'tool:2.0': 'copy',
    });
    const blocked = plan.images.find((o) => o.status === 'blocked')!;
    assert.equal(blocked.code, 'POLICY_BLOCKED');
    assert.match(blocked.message ?? '', /^signed_by: no signature verified by .*cosign\.pub \(no signature found\)/);

    const run = await runCli(['sync', '--json', ...args]);
    assert.equal(run.code, 1, 'a blocked image fails the run');
    const report = json<{ totals: { copied: number; failed: number } }>(run);
    assert.deepEqual([report.totals.copied, report.totals.failed], [4, 1]);
    const copied = await tagsAt(target, 'gated/app');
    assert.ok(copied.includes('0.9') && copied.includes('1.0'), copied.join(' '));
    assert.ok(!copied.includes('0.8'), 'the unsigned image was not copied');
  } finally {
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('from a registry with the referrers API (a proxy that answers it and hides the tag schema), referrers are copied by digest and the target gets the fallback index', async () => {
  const proxy = await startReferrersApiProxy(source.url);
  const target = await startRegistry();
  try {
    const r = await runCli([
      'copy',
      '--json',
      '--referrers',
      `${proxy.host}/supply/app:1.0`,
      `${target.host}/api/app:1.0`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(proxy.answered > 0, 'the referrers API was asked');
    // The SBOM artifact (the only OCI 1.1 referrer; cosign's tags are hidden from this client) is at the target
    // under its own digest, and the target, which has no referrers API, lists it under the tag schema.
    assert.equal(await digestAt(target, `api/app@${sbomDigest}`), sbomDigest);
    const index = JSON.parse(
      (await skopeoInspectRaw(`${target.host}/api/app:sha256-${hexOf(app.digest)}`)).toString(),
    ) as { manifests: { digest: string; artifactType?: string }[] };
    assert.deepEqual(
      index.manifests.map((m) => [m.digest, m.artifactType]),
      [[sbomDigest, 'application/spdx+json']],
    );
    assert.ok(!(await tagsAt(target, 'api/app')).some((t) => t.endsWith('.sig')), 'hidden tags were not copied');
  } finally {
    await Promise.all([proxy.stop(), target.stop()]);
  }
});

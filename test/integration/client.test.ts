// The OCI client against real Distribution registries: paged lists, credentials from Docker's config.json,
// anonymous tokens, manifest delete, the referrers tag-schema fallback, and chunked uploads with resume.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/oci/client.js';
import { digestOf } from '../../src/oci/digest.js';
import { MediaType } from '../../src/oci/media-types.js';
import { type BuiltImage, buildImage, pushImage, sha256Hex } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoInspectRaw } from '../support/skopeo.js';
import { json, runCli } from './cli.js';

let anon: TestRegistry;
let basic: TestRegistry;
let token: TestRegistry;
let image: BuiltImage;
const repos = ['a/one', 'a/two', 'b/three', 'c', 'd/e/f'];
const tags = ['1', '2', '3', '4', '5', '6', '7'];

before(async () => {
  [anon, basic, token] = await Promise.all([
    startRegistry(),
    startRegistry({ auth: 'basic' }),
    startRegistry({ auth: 'token', anonymousPull: true }),
  ]);
  image = await buildImage({ format: 'oci', seed: 'client' });
  for (const repo of repos) await pushImage(anon, repo, 'latest', image);
  for (const tag of tags) await pushImage(anon, 'a/one', tag, image);
  await pushImage(basic, 'private/app', '1', image);
  await pushImage(token, 'public/app', '1', image);
});

after(() => Promise.all([anon, basic, token].map((r) => r?.stop())));

test('catalog and tag lists follow the registry Link pages to the end', async () => {
  const client = new RegistryClient(anon.host);
  try {
    assert.deepEqual(await client.catalogList({ pageSize: 2 }), [...repos].sort());
    assert.deepEqual((await client.tagList('a/one', { pageSize: 3 })).sort(), [...tags, 'latest'].sort());
    assert.deepEqual(await client.catalogList({ pageSize: 2, limit: 3 }), [...repos].sort().slice(0, 3));
  } finally {
    await client.close();
  }
});

test('credentials come from DOCKER_CONFIG config.json (auth base64)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'regatta-docker-config-'));
  try {
    const auth = Buffer.from(`${basic.username}:${basic.password}`).toString('base64');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [basic.host]: { auth } } }));
    const r = await runCli(['tags', '--json', `${basic.host}/private/app`], { DOCKER_CONFIG: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(json<{ tags: string[] }>(r).tags, ['1']);
    const without = await runCli(['tags', `${basic.host}/private/app`]);
    assert.equal(without.code, 1);
    assert.match(without.stderr, /UNAUTHORIZED/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a token registry that allows anonymous pulls is read with an anonymous token', async () => {
  const r = await runCli(['inspect', '--json', `${token.host}/public/app:1`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json<{ digest: string }>(r).digest, image.digest);
  assert.ok(token.tokenIssuer!.requests > 0);
});

test('manifests are deleted by digest', async () => {
  const client = new RegistryClient(anon.host);
  try {
    await pushImage(anon, 'del/app', 'x', image);
    assert.equal((await client.manifestHead('del/app', 'x'))?.digest, image.digest);
    await client.manifestDelete('del/app', image.digest);
    assert.equal(await client.manifestHead('del/app', image.digest), undefined);
  } finally {
    await client.close();
  }
});

test('referrers come from the tag schema when the registry has no referrers API', async () => {
  const client = new RegistryClient(anon.host);
  try {
    const sbom = Buffer.from('{"spdxVersion":"SPDX-2.3"}');
    const empty = Buffer.from('{}');
    for (const blob of [sbom, empty]) {
      await client.blobPut('ref/app', { digest: digestOf(blob), size: blob.length }, () => [blob]);
    }
    const subject = { mediaType: image.mediaType, digest: image.digest, size: image.manifest.length };
    const artifact = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciManifest,
        artifactType: 'application/spdx+json',
        config: { mediaType: MediaType.OciEmpty, digest: digestOf(empty), size: empty.length },
        layers: [{ mediaType: 'application/spdx+json', digest: digestOf(sbom), size: sbom.length }],
        subject,
      }),
    );
    await pushImage(anon, 'ref/app', '1', image);
    const artifactDigest = await client.manifestPut('ref/app', digestOf(artifact), {
      raw: artifact,
      mediaType: MediaType.OciManifest,
    });
    const tagIndex = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        manifests: [
          {
            mediaType: MediaType.OciManifest,
            digest: artifactDigest,
            size: artifact.length,
            artifactType: 'application/spdx+json',
          },
        ],
      }),
    );
    await client.manifestPut('ref/app', image.digest.replace(':', '-'), {
      raw: tagIndex,
      mediaType: MediaType.OciIndex,
    });
    const found = await client.referrersList('ref/app', image.digest);
    assert.deepEqual(
      found.map((d) => d.digest),
      [artifactDigest],
    );
    assert.deepEqual(await client.referrersList('ref/app', image.digest, 'application/vnd.other'), []);
    assert.deepEqual(await client.referrersList('a/one', image.digest), []);
  } finally {
    await client.close();
  }
});

test('a large blob goes up in chunks and reads back verified; an unknown one is BLOB_UNKNOWN', async () => {
  const client = new RegistryClient(basic.host, {
    credentials: { username: basic.username!, password: basic.password! },
  });
  try {
    const data = Buffer.alloc(5 * 1024 * 1024 + 123, 7);
    const desc = { digest: sha256Hex(data), size: data.length };
    // Pieces of odd sizes that straddle the 1 MiB chunk boundaries.
    const pieces = (from: number) =>
      [1000, 2_999_000, 5_000_000].map((end, i, ends) =>
        data.subarray(Math.max(from, i ? ends[i - 1]! : 0), Math.max(from, end)),
      );
    const positions: number[] = [];
    await client.blobPut(
      'chunks/app',
      desc,
      (offset) => [...pieces(offset), data.subarray(Math.max(offset, 5_000_000))],
      {
        chunkSize: 1024 * 1024,
        onProgress: (position) => positions.push(position),
      },
    );
    assert.equal(positions.length, 6);
    assert.equal(positions.at(-1), data.length);
    assert.equal(await client.blobHead('chunks/app', desc.digest), data.length);
    let read = 0;
    for await (const chunk of client.blobGet('chunks/app', desc)) read += chunk.length;
    assert.equal(read, data.length);
    const unknown = client.blobGet('chunks/app', { digest: digestOf(Buffer.from('other')), size: data.length });
    await assert.rejects(unknown.toArray(), { code: 'BLOB_UNKNOWN', status: 404 });
    const raw = await skopeoInspectRaw(`${anon.host}/a/one:latest`);
    assert.equal(sha256Hex(raw), image.digest);
  } finally {
    await client.close();
  }
});

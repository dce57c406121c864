// `regatta copy` against real Distribution registries (anonymous → basic auth, → token auth), checked with
// skopeo as the independent client: the raw manifest bytes at the target hash to the source's digest.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type BuiltImage, type BuiltIndex, buildImage, buildMultiArch, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sha256Hex, skopeoInspectRaw } from '../support/skopeo.js';
import { json, runCli } from './cli.js';

interface CopyJson {
  digest: string;
  platforms: string[];
  stats: { blobsCopied: number; blobsExisting: number; blobsMounted: number; manifestsPushed: number };
}

let source: TestRegistry;
const targets: Record<'basic' | 'token', TestRegistry> = {} as never;
let schema2: BuiltImage;
let oci: BuiltImage;
let multi: BuiltIndex;
let dockerList: BuiltIndex;

before(async () => {
  [source, targets.basic, targets.token] = await Promise.all([
    startRegistry(),
    startRegistry({ auth: 'basic' }),
    startRegistry({ auth: 'token' }),
  ]);
  schema2 = await buildImage({ format: 'docker', seed: 'schema2', layers: 3, env: ['A=1'], user: 'app' });
  oci = await buildImage({ format: 'oci', seed: 'oci', layers: 2 });
  multi = await buildMultiArch('oci', 'multi');
  dockerList = await buildMultiArch('docker', 'list');
  await pushImage(source, 'lib/app', 'schema2', schema2);
  await pushImage(source, 'lib/app', 'oci', oci);
  await pushImage(source, 'lib/multi', '1.0', multi);
  await pushImage(source, 'lib/multi', 'docker', dockerList);
});

after(() => Promise.all([source, ...Object.values(targets)].map((r) => r?.stop())));

const credsOf = (r: TestRegistry) => ({ username: r.username!, password: r.password! });
const destFlags = (r: TestRegistry) => ['--dest-creds', `${r.username}:${r.password}`];

async function targetDigest(r: TestRegistry, ref: string): Promise<string> {
  return sha256Hex(await skopeoInspectRaw(`${r.host}/${ref}`, credsOf(r)));
}

for (const mode of ['basic', 'token'] as const) {
  describe(`copy into a ${mode}-auth registry`, () => {
    test('a Docker schema2 image arrives digest-identical', async () => {
      const dst = targets[mode];
      const r = await runCli([
        'copy',
        '--json',
        `${source.host}/lib/app:schema2`,
        `${dst.host}/mirror/app:s2`,
        ...destFlags(dst),
      ]);
      assert.equal(r.code, 0, r.stderr);
      const out = json<CopyJson>(r);
      assert.equal(out.digest, schema2.digest);
      assert.equal(out.stats.blobsCopied, schema2.blobs.length);
      assert.equal(await targetDigest(dst, 'mirror/app:s2'), schema2.digest);
    });

    test('an OCI index arrives digest-identical with both platforms', async () => {
      const dst = targets[mode];
      const r = await runCli([
        'copy',
        '--json',
        `${source.host}/lib/multi:1.0`,
        `${dst.host}/mirror/multi`,
        ...destFlags(dst),
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(json<CopyJson>(r).platforms.sort(), ['linux/amd64', 'linux/arm64/v8']);
      assert.equal(await targetDigest(dst, 'mirror/multi:1.0'), multi.digest);
      for (const child of multi.children) {
        assert.equal(await targetDigest(dst, `mirror/multi@${child.digest}`), child.digest);
      }
    });

    test('a second copy sends no blob again', async () => {
      const dst = targets[mode];
      const args = ['copy', '--json', `${source.host}/lib/app:oci`, `${dst.host}/mirror/app:oci`, ...destFlags(dst)];
      assert.equal((await runCli(args)).code, 0);
      const again = json<CopyJson>(await runCli(args));
      assert.equal(again.stats.blobsCopied, 0);
      assert.equal(again.stats.manifestsPushed, 0);
      assert.equal(await targetDigest(dst, 'mirror/app:oci'), oci.digest);
    });
  });
}

test('a Docker manifest list copies whole, and --platform picks one image of it', async () => {
  const dst = targets.basic;
  const all = await runCli([
    'copy',
    '--all-platforms',
    `${source.host}/lib/multi:docker`,
    `${dst.host}/ml/multi`,
    ...destFlags(dst),
  ]);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(await targetDigest(dst, 'ml/multi:docker'), dockerList.digest);
  const arm = dockerList.children.find((c) => c.platform?.architecture === 'arm64')!;
  const one = await runCli([
    'copy',
    '--json',
    '--platform',
    'linux/arm64',
    `${source.host}/lib/multi:docker`,
    `${dst.host}/ml/arm:1`,
    ...destFlags(dst),
  ]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(json<CopyJson>(one).digest, arm.digest);
  assert.equal(await targetDigest(dst, 'ml/arm:1'), arm.digest);
});

test('within one registry, blobs are mounted instead of copied', async () => {
  const dst = targets.token;
  const first = await runCli(['copy', `${source.host}/lib/app:schema2`, `${dst.host}/one/app:1`, ...destFlags(dst)]);
  assert.equal(first.code, 0, first.stderr);
  const creds = `${dst.username}:${dst.password}`;
  const r = await runCli([
    'copy',
    '--json',
    '--src-creds',
    creds,
    '--dest-creds',
    creds,
    `${dst.host}/one/app:1`,
    `${dst.host}/two/app:1`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = json<CopyJson>(r);
  assert.equal(out.stats.blobsMounted, schema2.blobs.length);
  assert.equal(out.stats.blobsCopied, 0);
  assert.equal(await targetDigest(dst, 'two/app:1'), schema2.digest);
});

test('wrong credentials fail fast with one line naming UNAUTHORIZED', async () => {
  const dst = targets.basic;
  const r = await runCli([
    'copy',
    `${source.host}/lib/app:oci`,
    `${dst.host}/x/app:1`,
    '--dest-creds',
    'regatta:wrong',
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^regatta: UNAUTHORIZED: .*401/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('a missing source tag fails with MANIFEST_UNKNOWN and a missing registry with NETWORK_ERROR', async () => {
  const missing = await runCli([
    'copy',
    `${source.host}/lib/app:nope`,
    `${targets.basic.host}/x/app:1`,
    ...destFlags(targets.basic),
  ]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^regatta: MANIFEST_UNKNOWN: /);
  const down = await runCli(['tags', '127.0.0.1:9/lib/app']);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /^regatta: NETWORK_ERROR: .*ECONNREFUSED/);
});

test('ls, tags and inspect read a token-auth registry', async () => {
  const dst = targets.token;
  const creds = ['--creds', `${dst.username}:${dst.password}`];
  await runCli(['copy', `${source.host}/lib/multi:1.0`, `${dst.host}/look/multi:1.0`, ...destFlags(dst)]);
  const ls = json<{ repositories: string[] }>(await runCli(['ls', '--json', dst.host, ...creds]));
  assert.ok(ls.repositories.includes('look/multi'), JSON.stringify(ls));
  const tags = json<{ tags: string[] }>(await runCli(['tags', '--json', `${dst.host}/look/multi`, ...creds]));
  assert.deepEqual(tags.tags, ['1.0']);
  const index = json<{ kind: string; platforms: { platform: string }[] }>(
    await runCli(['inspect', '--json', `${dst.host}/look/multi:1.0`, ...creds]),
  );
  assert.equal(index.kind, 'index');
  assert.deepEqual(index.platforms.map((p) => p.platform).sort(), ['linux/amd64', 'linux/arm64/v8']);
  const image = await runCli(['inspect', '--platform', 'linux/arm64', `${dst.host}/look/multi:1.0`, ...creds]);
  assert.equal(image.code, 0, image.stderr);
  assert.match(image.stdout, /Platform: +linux\/arm64/);
  assert.match(image.stdout, /Layers:\n +sha256:/);
});

test('--all-tags copies every tag of a repository, each reported', async () => {
  const dst = targets.basic;
  const r = await runCli([
    'copy',
    '--all-tags',
    '--json',
    `${source.host}/lib/app`,
    `${dst.host}/all/app`,
    ...destFlags(dst),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = json<{ images: { tag: string; status: string; digest: string }[] }>(r);
  assert.deepEqual(out.images.map((i) => [i.tag, i.status, i.digest]).sort(), [
    ['oci', 'copied', oci.digest],
    ['schema2', 'copied', schema2.digest],
  ]);
  assert.equal(await targetDigest(dst, 'all/app:oci'), oci.digest);
  assert.equal(await targetDigest(dst, 'all/app:schema2'), schema2.digest);
});

test('usage errors exit with 2', async () => {
  const r = await runCli(['copy', '--chunk-size', '0', `${source.host}/lib/app:oci`, `${source.host}/x/app`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^regatta: USAGE: --chunk-size wants a positive integer/);
  assert.equal((await runCli(['copy', 'only-one-argument'])).code, 2);
});

// The scanner's layer cache (src/scanning/layer-cache.ts) against a real registry: two distinct images sharing a
// base layer (Debian packages, a vulnerable npm package, a hardlink, a secret) scanned with one cache read the
// base layer's blob once, also when scanned at the same time, and report exactly what uncached scans report; the
// layers of one registry are not reused for another; a cache too small to hold a layer reads it every time. The blob GETs are counted at a proxy in front of the
// registry (a recording proxy, not a fake: the registry answers every request).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/oci/client.js';
import { loadScanDatabases, type ScanDatabases } from '../../src/scanning/databases.js';
import { LayerCache } from '../../src/scanning/layer-cache.js';
import { scanImage } from '../../src/scanning/scan.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { pushImage } from '../support/fixtures.js';
import { buildLayeredImage, type TarEntrySpec } from '../support/layered-image.js';
import type { BuiltImage } from '../support/oci-builder.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { dpkgStatus } from '../support/risky-image.js';
import { VULNDB } from '../support/vulndb.js';

let registry: TestRegistry;
let proxy: FaultProxy;
let client: RegistryClient;
let dbs: ScanDatabases;
const images: BuiltImage[] = [];
let baseDigest: string;
/** Blob GETs through the proxy, by digest. */
const blobGets = new Map<string, number>();

const base: TarEntrySpec[] = [
  { name: 'usr/lib/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
  { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
  { name: 'var/lib/dpkg/status', content: dpkgStatus() },
  { name: 'app/node_modules/lodash/package.json', content: JSON.stringify({ name: 'lodash', version: '4.17.15' }) },
  // A hardlink inside the layer: merging gives the link its target's contents, on a copy of the cached entry.
  { name: 'app/node_modules/lodash/copy.json', type: 'link', linkname: 'app/node_modules/lodash/package.json' },
  { name: 'srv/app/settings.py', content: 'AWS_ACCESS_KEY_ID = "AKIAZ4Q7RT2XW6PLMNBV"\n' },
];

before(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy({
    target: registry.url,
    rate: 0,
    match: (method, path) => {
      const m = /\/blobs\/(sha256:[0-9a-f]{64})/.exec(path);
      if (method === 'GET' && m?.[1]) blobGets.set(m[1], (blobGets.get(m[1]) ?? 0) + 1);
      return false;
    },
  });
  for (const [i, top] of [
    [{ name: 'srv/app/main.py', content: 'print("a")\n' }],
    [{ name: 'srv/app/main.py', content: 'print("b")\n' }, { name: 'srv/app/.wh.settings.py' }],
  ].entries()) {
    const image = await buildLayeredImage([{ entries: base, compression: 'zstd' }, { entries: top }]);
    await pushImage(registry, 'cache/app', `v${i}`, image);
    images.push(image);
  }
  const layers = images.map((im) => (JSON.parse(im.manifest.toString()) as { layers: { digest: string }[] }).layers);
  baseDigest = layers[0]![0]!.digest;
  assert.equal(layers[1]![0]!.digest, baseDigest, 'the two images share their base layer');
  assert.notEqual(layers[1]![1]!.digest, layers[0]![1]!.digest);
  dbs = await loadScanDatabases(VULNDB);
  client = new RegistryClient(proxy.host);
});

after(async () => {
  await client?.close();
  await proxy?.stop();
  await registry?.stop();
});

const scanAll = async (cache?: LayerCache, together = false, scope = 'registry-1') => {
  const scan = async (image: BuiltImage) => {
    const manifest = await client.manifestGet('cache/app', image.digest);
    const layerCache = cache && { cache, scope };
    return scanImage({ client, repository: 'cache/app', manifest }, dbs, layerCache ? { layerCache } : {});
  };
  return together ? Promise.all(images.map(scan)) : [await scan(images[0]!), await scan(images[1]!)];
};

test('one cache: the shared base layer is read once, and the reports are those of uncached scans', async () => {
  blobGets.clear();
  const uncached = await scanAll();
  assert.equal(blobGets.get(baseDigest), 2);
  // The images differ where their top layers do (the second removed the settings file with its secret).
  assert.ok(uncached[0]!.vulnerabilities.length > 0, 'the base layer has vulnerable packages');
  assert.notDeepEqual(uncached[0]!.sensitiveFiles, uncached[1]!.sensitiveFiles);

  blobGets.clear();
  const cache = new LayerCache(64 * 2 ** 20);
  const cached = await scanAll(cache);
  assert.equal(blobGets.get(baseDigest), 1, 'the base layer read once');
  assert.deepEqual(cached, uncached);
  assert.deepEqual([cache.stats().hits, cache.stats().misses, cache.stats().layers], [1, 3, 3]);

  // Again with the cache warm: no blob read at all (the configs aside).
  blobGets.clear();
  assert.deepEqual(await scanAll(cache), uncached);
  assert.equal(blobGets.get(baseDigest), undefined);
  // Another registry's scans do not get this registry's layers: read again (once) for it.
  blobGets.clear();
  assert.deepEqual(await scanAll(cache, false, 'registry-2'), uncached);
  assert.equal(blobGets.get(baseDigest), 1);
});

test('scans at the same time share one read of the base layer', async () => {
  blobGets.clear();
  const cache = new LayerCache(64 * 2 ** 20);
  const [a, b] = await scanAll(cache, true);
  assert.equal(blobGets.get(baseDigest), 1);
  assert.deepEqual([a, b], await scanAll());
});

test('a cache too small for a layer keeps nothing and reads it every time', async () => {
  blobGets.clear();
  const cache = new LayerCache(1);
  await scanAll(cache);
  assert.equal(blobGets.get(baseDigest), 2);
  assert.deepEqual([cache.stats().layers, cache.stats().bytes], [0, 0]);
});

test('a failed read is not kept: the next scan reads again', async () => {
  const cache = new LayerCache(64 * 2 ** 20);
  await assert.rejects(
    cache.entries('k', 0, () => Promise.reject(new Error('cut off'))),
    /cut off/,
  );
  const entries = await cache.entries('k', 2, async () => [
    { path: 'a', type: 'file', size: 0, mode: 0, uid: 0, layer: 0 },
  ]);
  assert.deepEqual(
    entries.map((e) => [e.path, e.layer]),
    [['a', 2]],
    'handed out with the asking image’s layer index',
  );
  assert.deepEqual([cache.stats().misses, cache.stats().layers], [2, 1]);
});

// The layer reader and the merged filesystem: gzip, zstd and plain layers; whiteouts and opaque directories
// across layers; hardlinks and symlinks; and layers that must fail cleanly: a path climbing out of the root, a
// decompression bomb, bytes that are not what the media type says, symlinks that loop.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type Compression, compress, type TarEntrySpec, tarOf } from '../../test/support/layered-image.js';
import { ScanError } from './errors.js';
import { MergedFilesystem } from './filesystem.js';
import { type LayerReadLimits, readLayer } from './layer-tar.js';

const LIMITS: LayerReadLimits = {
  maxTarBytes: 64 * 1024 * 1024,
  maxKeptFileBytes: 1024 * 1024,
  maxHashedFileBytes: 1024 * 1024,
};
const keepAll = () => ({ keep: true, hash: true });

async function layer(entries: TarEntrySpec[], kind: Compression = 'gzip', limits = LIMITS, index = 0) {
  const bytes = compress(await tarOf(entries), kind);
  return readLayer(Readable.from([bytes]), index, keepAll, limits);
}

async function fails(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ScanError, `a ScanError, not ${String(err)}`);
    assert.equal(err.code, code);
    if (message) assert.match(err.message, message);
    return true;
  });
}

test('gzip, zstd and uncompressed layers give the same entries, contents and hashes', async () => {
  const entries: TarEntrySpec[] = [
    { name: 'etc/', type: 'directory' },
    { name: 'etc/hostname', content: 'box\n' },
    { name: './usr/bin/tool', content: 'x'.repeat(70_000), mode: 0o4755 },
  ];
  const results = await Promise.all((['gzip', 'zstd', 'none'] as const).map((k) => layer(entries, k)));
  for (const r of results) {
    assert.deepEqual(
      r.map((e) => [e.path, e.type, e.size, e.mode]),
      [
        ['etc', 'directory', 0, 0o755],
        ['etc/hostname', 'file', 4, 0o644],
        ['usr/bin/tool', 'file', 70_000, 0o4755],
      ],
    );
    assert.equal(r[1]!.data?.toString(), 'box\n');
    assert.equal(r[2]!.hashes?.sha256, results[0]![2]!.hashes?.sha256);
  }
});

test('whiteouts remove lower files and trees; opaque directories hide lower children but keep their own', async () => {
  const fs = new MergedFilesystem();
  fs.applyLayer(
    await layer([
      { name: 'app/node_modules/a/package.json', content: '{}' },
      { name: 'app/node_modules/b/package.json', content: '{}' },
      { name: 'etc/conf.d/one', content: '1' },
      { name: 'etc/conf.d/two', content: '2' },
      { name: 'etc/motd', content: 'hi' },
    ]),
  );
  fs.applyLayer(
    await layer(
      [
        { name: 'app/node_modules/.wh.a' },
        { name: 'etc/conf.d/.wh..wh..opq' },
        { name: 'etc/conf.d/three', content: '3' },
        { name: 'etc/.wh.motd' },
      ],
      'gzip',
      LIMITS,
      1,
    ),
  );
  const paths = [...fs].map((e) => e.path).sort();
  assert.deepEqual(paths, ['app/node_modules/b/package.json', 'etc/conf.d/three']);
  assert.equal(fs.get('etc/conf.d/three')?.layer, 1);
});

test('symlinks resolve (relative, absolute, through the root); hardlinks share contents; loops fail', async () => {
  const fs = new MergedFilesystem();
  fs.applyLayer(
    await layer([
      { name: 'usr/lib/os-release', content: 'ID=debian\n' },
      { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { name: 'etc/abs', type: 'symlink', linkname: '/usr/lib/os-release' },
      { name: 'etc/up', type: 'symlink', linkname: '../../../usr/lib/os-release' },
      { name: 'bin/hard', type: 'link', linkname: 'usr/lib/os-release' },
      { name: 'loop/a', type: 'symlink', linkname: 'b' },
      { name: 'loop/b', type: 'symlink', linkname: 'a' },
    ]),
  );
  for (const p of ['etc/os-release', 'etc/abs', 'etc/up']) assert.equal(fs.resolve(p)?.data?.toString(), 'ID=debian\n');
  assert.equal(fs.get('bin/hard')?.data?.toString(), 'ID=debian\n');
  assert.throws(() => fs.resolve('loop/a'), /loop/);
});

test('a tar entry climbing out of the root fails the layer with failed_to_scan_file', async () => {
  await fails(layer([{ name: '../../etc/passwd', content: 'x' }]), 'failed_to_scan_file', /escapes the image root/);
  await fails(layer([{ name: 'a/../../b', content: 'x' }]), 'failed_to_scan_file');
});

test('a decompression bomb stops at the tar budget with image_layer_over_sized', async () => {
  // 200 MiB of zeros gzip to about 200 KiB.
  const bomb = await tarOf([{ name: 'zeros', content: Buffer.alloc(200 * 1024 * 1024) }]);
  const gz = gzipSync(bomb, { level: 1 });
  assert.ok(gz.length < 2 * 1024 * 1024, `${gz.length} bytes compressed`);
  const small = { ...LIMITS, maxTarBytes: 16 * 1024 * 1024 };
  await fails(readLayer(Readable.from([gz]), 0, keepAll, small), 'image_layer_over_sized', /expands past/);
});

test('bytes that are not what they claim (a cut-off gzip, a broken zstd) fail with failed_to_scan_file', async () => {
  const gz = compress(await tarOf([{ name: 'f', content: 'y'.repeat(100_000) }]), 'gzip');
  await fails(readLayer(Readable.from([gz.subarray(0, gz.length / 2)]), 0, keepAll, LIMITS), 'failed_to_scan_file');
  const zst = compress(await tarOf([{ name: 'f', content: 'hello' }]), 'zstd');
  const broken = Buffer.concat([zst.subarray(0, 8), Buffer.alloc(64, 0xff)]);
  await fails(readLayer(Readable.from([broken]), 0, keepAll, LIMITS), 'failed_to_scan_file');
});

test('files over the keep cap are listed without contents', async () => {
  const r = await layer([{ name: 'big', content: 'z'.repeat(2000) }], 'gzip', { ...LIMITS, maxKeptFileBytes: 1000 });
  assert.equal(r[0]!.size, 2000);
  assert.equal(r[0]!.data, undefined);
  assert.ok(r[0]!.hashes?.sha256);
});

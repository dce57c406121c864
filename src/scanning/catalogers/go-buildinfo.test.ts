// Go build info: a binary laid out as the Go linker writes it (magic, pointer size, flags, varint-prefixed
// version and module info between sentinels), found by the streaming sniffer across chunk boundaries, parsed into
// stdlib, main module and dependencies (a `=>` replacement wins), and matched against the real Go advisories.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { tarOf } from '../../../test/support/layered-image.js';
import { VULNDB } from '../../../test/support/vulndb.js';
import { MergedFilesystem } from '../filesystem.js';
import { readLayer } from '../layer-tar.js';
import { matchPackages } from '../vulndb/match.js';
import { loadOsvFolder } from '../vulndb/osv.js';
import { BUILDINFO_MAGIC, BuildInfoSniffer, catalogGoBinaries, parseBuildInfo, stdlibVersion } from './go-buildinfo.js';

function varintString(s: string): Buffer {
  const body = Buffer.from(s);
  const len: number[] = [];
  let n = body.length;
  while (n >= 0x80) {
    len.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  len.push(n);
  return Buffer.concat([Buffer.from(len), body]);
}

const SENTINEL_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const SENTINEL_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

export function fakeGoBinary(goVersion: string, modinfo: string): Buffer {
  const header = Buffer.concat([BUILDINFO_MAGIC, Buffer.from([8, 2]), Buffer.alloc(16)]);
  const info = Buffer.concat([SENTINEL_START, Buffer.from(modinfo), SENTINEL_END]).toString('latin1');
  return Buffer.concat([
    Buffer.from('\x7fELF'),
    Buffer.alloc(300_000, 0x90),
    header,
    varintString(goVersion),
    varintString(info),
    Buffer.alloc(50_000, 0xcc),
  ]);
}

const MODINFO = [
  'path\texample.com/app',
  'mod\texample.com/app\t(devel)\t',
  'dep\tgolang.org/x/net\tv0.7.0\th1:abc=',
  'dep\tgopkg.in/yaml.v2\tv2.2.1\th1:def=',
  '=>\tgopkg.in/yaml.v2\tv2.2.2\th1:ghi=',
  'build\t-compiler=gc',
].join('\n');

test('build info parses: Go version, main module, dependencies with replacements', () => {
  const bin = fakeGoBinary('go1.20.1', MODINFO);
  const at = bin.indexOf(BUILDINFO_MAGIC);
  const info = parseBuildInfo(bin.subarray(at));
  assert.deepEqual(info, {
    goVersion: 'go1.20.1',
    main: { path: 'example.com/app', version: '(devel)' },
    deps: [
      { path: 'golang.org/x/net', version: 'v0.7.0' },
      { path: 'gopkg.in/yaml.v2', version: 'v2.2.2' },
    ],
  });
  assert.equal(stdlibVersion('go1.22rc1'), '1.22.0-rc.1');
  assert.equal(stdlibVersion('go1.21'), '1.21.0');
  assert.equal(parseBuildInfo(Buffer.from('not a binary')), undefined);
});

test('the sniffer finds the magic split across chunks', () => {
  const bin = fakeGoBinary('go1.21.3', MODINFO);
  const at = bin.indexOf(BUILDINFO_MAGIC);
  const sniffer = new BuildInfoSniffer();
  // Cut right through the magic.
  for (const [from, to] of [
    [0, at + 5],
    [at + 5, at + 9],
    [at + 9, bin.length],
  ] as const)
    sniffer.push(bin.subarray(from, to));
  assert.equal(parseBuildInfo(sniffer.result()!)?.goVersion, 'go1.21.3');
});

test('a Go binary in a layer is catalogued and matched against the Go advisories', async () => {
  const tar = await tarOf([{ name: 'usr/local/bin/app', content: fakeGoBinary('go1.20.1', MODINFO), mode: 0o755 }]);
  const wants = (_p: string, size: number, mode: number) => ({
    keep: false,
    hash: false,
    sniffGo: (mode & 0o111) !== 0 && size > 1000,
  });
  const limits = { maxTarBytes: 1e9, maxKeptFileBytes: 1e6, maxHashedFileBytes: 1e8 };
  const fs = new MergedFilesystem();
  fs.applyLayer(await readLayer(Readable.from([tar]), 0, wants, limits));
  const packages = catalogGoBinaries(fs);
  assert.deepEqual(
    packages.map((p) => `${p.name}@${p.version}`),
    ['stdlib@1.20.1', 'golang.org/x/net@v0.7.0', 'gopkg.in/yaml.v2@v2.2.2'],
  );
  const { db } = await loadOsvFolder(join(VULNDB, 'osv', 'go'));
  const found = matchPackages(db, packages, undefined);
  const names = new Set(found.map((f) => f.package.name));
  assert.ok(names.has('stdlib'), 'Go 1.20.1 has fixed advisories');
  assert.ok(names.has('gopkg.in/yaml.v2'), 'yaml.v2 2.2.2 is before the 2.2.4 fix');
  const yaml = found.find((f) => f.package.name === 'gopkg.in/yaml.v2')!;
  assert.ok(yaml.fixedVersion);
});

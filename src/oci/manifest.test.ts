import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digestOf } from './digest.js';
import { formatPlatform, manifestBlobs, parseManifest, parsePlatform, platformMatches } from './manifest.js';
import { MediaType } from './media-types.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const ociManifest = {
  schemaVersion: 2,
  mediaType: MediaType.OciManifest,
  config: { mediaType: MediaType.OciConfig, digest: d('a'), size: 10 },
  layers: [
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('b'), size: 20 },
    {
      mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
      digest: d('c'),
      size: 5,
      urls: ['https://x'],
    },
  ],
};

test('an OCI manifest parses, keeps its raw bytes and digest', () => {
  const raw = Buffer.from(JSON.stringify(ociManifest, null, 3));
  const m = parseManifest(raw, 'application/json');
  assert.equal(m.kind, 'image');
  assert.equal(m.mediaType, MediaType.OciManifest);
  assert.equal(m.digest, digestOf(raw));
  assert.equal(m.raw, raw);
  assert.deepEqual(
    manifestBlobs(m.kind === 'image' ? m.body : assert.fail()).map((b) => b.digest),
    [d('a'), d('b')],
  );
});

test('media type comes from the body, then Content-Type, then the shape', () => {
  const { mediaType: _, ...bare } = ociManifest;
  const raw = Buffer.from(JSON.stringify(bare));
  assert.equal(parseManifest(raw, MediaType.DockerManifest).mediaType, MediaType.DockerManifest);
  assert.equal(parseManifest(raw, 'application/octet-stream').mediaType, MediaType.OciManifest);
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [] }));
  const parsed = parseManifest(index, undefined);
  assert.equal(parsed.kind, 'index');
  assert.equal(parsed.mediaType, MediaType.OciIndex);
});

test('a Docker manifest list with platforms parses as an index', () => {
  const list = {
    schemaVersion: 2,
    mediaType: MediaType.DockerManifestList,
    manifests: [
      {
        mediaType: MediaType.DockerManifest,
        digest: d('1'),
        size: 1,
        platform: { os: 'linux', architecture: 'amd64' },
      },
      {
        mediaType: MediaType.DockerManifest,
        digest: d('2'),
        size: 1,
        platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
      },
    ],
  };
  const m = parseManifest(Buffer.from(JSON.stringify(list)), MediaType.DockerManifestList);
  assert.equal(m.kind, 'index');
  assert.deepEqual(m.kind === 'index' && m.body.manifests.map((x) => x.platform && formatPlatform(x.platform)), [
    'linux/amd64',
    'linux/arm/v7',
  ]);
});

test('an artifact manifest with a subject parses', () => {
  const artifact = {
    ...ociManifest,
    artifactType: 'application/spdx+json',
    config: { mediaType: MediaType.OciEmpty, digest: d('e'), size: 2 },
    subject: { mediaType: MediaType.OciManifest, digest: d('f'), size: 100 },
  };
  const m = parseManifest(Buffer.from(JSON.stringify(artifact)));
  assert.equal(m.kind === 'image' && m.body.subject?.digest, d('f'));
});

test('schema1 is refused with UNSUPPORTED_FORMAT, by body and by Content-Type', () => {
  const schema1 = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [] }));
  assert.throws(() => parseManifest(schema1, 'application/json'), { code: 'UNSUPPORTED_FORMAT' });
  const other = Buffer.from(JSON.stringify({ schemaVersion: 2, config: {} }));
  assert.throws(() => parseManifest(other, MediaType.DockerSchema1Signed), { code: 'UNSUPPORTED_FORMAT' });
  const helm = Buffer.from(JSON.stringify({ schemaVersion: 2 }));
  assert.throws(() => parseManifest(helm, 'application/vnd.cncf.helm.chart.v1'), { code: 'UNSUPPORTED_FORMAT' });
});

test('invalid shapes, non-JSON and digest mismatches are refused', () => {
  const bad = { ...ociManifest, layers: [{ mediaType: 'x', digest: 'nope', size: -1 }] };
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify(bad))), {
    code: 'INVALID_RESPONSE',
    message: /layers\.0/,
  });
  assert.throws(() => parseManifest(Buffer.from('<html>'), MediaType.OciManifest), { code: 'INVALID_RESPONSE' });
  assert.throws(() => parseManifest(Buffer.from('[]'), MediaType.OciManifest), { code: 'INVALID_RESPONSE' });
  const raw = Buffer.from(JSON.stringify(ociManifest));
  assert.throws(() => parseManifest(raw, undefined, d('0')), { code: 'DIGEST_INVALID' });
  assert.equal(parseManifest(raw, undefined, digestOf(raw)).digest, digestOf(raw));
});

test('platforms parse, format and match', () => {
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.throws(() => parsePlatform('linux'), /os\/arch/);
  assert.throws(() => parsePlatform('linux//x'), /os\/arch/);
  assert.ok(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v7' }, { os: 'linux', architecture: 'arm' }));
  assert.ok(!platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, parsePlatform('linux/arm/v7')));
  assert.ok(!platformMatches(undefined, parsePlatform('linux/amd64')));
});

// What the crawl calls scannable: container images (image config, filesystem layers, within the scanner's
// limits), not artifacts: Helm charts, cosign signatures, SBOM attestations, WASM modules, OCI 1.1 artifacts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageManifest } from '../oci/manifest.js';
import { unscannableImage } from './scannable.js';

const d = (mediaType: string, size = 10) => ({ mediaType, size, digest: `sha256:${'a'.repeat(64)}` });
const manifest = (config: string, layers: string[], extra: Partial<ImageManifest> = {}): ImageManifest => ({
  schemaVersion: 2,
  config: d(config),
  layers: layers.map((l) => d(l)),
  ...extra,
});
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const GZIP_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const LIMITS = { maxImageBytes: 100, maxLayerBytes: 60 };

test('container images are scannable: OCI and Docker, gzip, zstd and plain layers', () => {
  assert.equal(
    unscannableImage(manifest(OCI_CONFIG, [GZIP_LAYER, 'application/vnd.oci.image.layer.v1.tar+zstd'])),
    undefined,
  );
  assert.equal(unscannableImage(manifest(OCI_CONFIG, ['application/vnd.oci.image.layer.v1.tar'])), undefined);
  const docker = manifest('application/vnd.docker.container.image.v1+json', [
    'application/vnd.docker.image.rootfs.diff.tar.gzip',
    'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  ]);
  assert.equal(unscannableImage(docker, LIMITS), undefined);
});

test('artifacts are not: Helm, cosign, in-toto, WASM, OCI 1.1 artifacts, an image with no layers', () => {
  const cases = [
    manifest('application/vnd.cncf.helm.config.v1+json', ['application/vnd.cncf.helm.chart.content.v1.tar+gzip']),
    manifest(OCI_CONFIG, ['application/vnd.dev.cosign.simplesigning.v1+json']),
    manifest(OCI_CONFIG, ['application/vnd.in-toto+json']),
    manifest('application/vnd.wasm.config.v0+json', ['application/vnd.wasm.content.layer.v1+wasm']),
    manifest('application/vnd.oci.empty.v1+json', [GZIP_LAYER], { artifactType: 'application/spdx+json' }),
    manifest(OCI_CONFIG, []),
  ];
  for (const m of cases) assert.equal(unscannableImage(m, LIMITS), 'not_a_container_image', JSON.stringify(m.layers));
});

test('images over the limits say which limit, in the seed codes; without limits sizes are not judged', () => {
  const big = (sizes: number[]): ImageManifest => ({
    schemaVersion: 2,
    config: d(OCI_CONFIG),
    layers: sizes.map((s) => d(GZIP_LAYER, s)),
  });
  assert.equal(unscannableImage(big([61]), LIMITS), 'image_layer_over_sized');
  assert.equal(unscannableImage(big([50, 30, 30]), LIMITS), 'image_over_sized');
  assert.equal(unscannableImage(big([50, 50]), LIMITS), undefined);
  assert.equal(unscannableImage(big([500]), undefined), undefined);
});

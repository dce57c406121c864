// The namespace `bench:sync` syncs: --repos repositories × --tags tags under `corpus/`, built in code like the test
// fixtures. Images share what real ones share: each is a base layer (one of three, ~1 MiB, incompressible), a
// runtime layer (one of two, 256 KiB) and its own app layer (16–64 KiB); every tenth repository's last tag is a
// two-platform index (the arm64 images on arm64 bases). So a namespace sync that sends each shared layer once per
// target (and mounts it elsewhere) has an edge over one that copies image by image, as real namespaces allow.
import { createCipheriv, createHash } from 'node:crypto';
import pLimit from 'p-limit';
import {
  type BuiltImage,
  type BuiltIndex,
  buildIndex,
  MEDIA_TYPES,
  type Platform,
  pushImage,
} from '../../test/support/fixtures.js';
import { blobOf, finishImage, imageConfig } from '../../test/support/oci-builder.js';
import type { TestRegistry } from '../../test/support/registry.js';
import { makeLayer } from '../../test/support/tar-layer.js';

export const NAMESPACE = 'corpus';

export interface CorpusImage {
  /** Repository path, `corpus/app-07`. */
  repository: string;
  tag: string;
  image: BuiltImage | BuiltIndex;
}

type Layer = { tar: Buffer; gzip: Buffer };

/** `size` bytes of seeded keystream: incompressible, so gzip layers keep their size. */
function noise(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };

class LayerSet {
  private readonly bases = new Map<string, Promise<Layer>>();

  /** One of three bases (per architecture) and one of two runtimes: built once, shared by many images. */
  shared(kind: 'base' | 'runtime', n: number, platform: Platform): Promise<Layer> {
    const key = `${kind}-${n}-${platform.architecture}`;
    let layer = this.bases.get(key);
    if (!layer) {
      const size = kind === 'base' ? 1024 * 1024 : 256 * 1024;
      layer = makeLayer({ [`${kind}/${key}.bin`]: noise(key, size) });
      this.bases.set(key, layer);
    }
    return layer;
  }
}

async function image(
  layers: LayerSet,
  repo: number,
  tag: number,
  platform: Platform,
  format: 'docker' | 'oci',
): Promise<BuiltImage> {
  const seed = `corpus-${repo}-${tag}-${platform.architecture}`;
  const parts = [
    await layers.shared('base', repo % 3, platform),
    await layers.shared('runtime', repo % 2, platform),
    await makeLayer({ [`app/${seed}.bin`]: noise(seed, 16 * 1024 * (1 + ((repo + tag) % 4))) }),
  ];
  const diffIds = parts.map((l) => `sha256:${createHash('sha256').update(l.tar).digest('hex')}`);
  const config = blobOf(imageConfig({ format, seed }, diffIds, platform), MEDIA_TYPES[format].config);
  const blobs = parts.map((l) => blobOf(l.gzip, MEDIA_TYPES[format].layer));
  return finishImage(format, config, blobs, platform);
}

/** Builds the corpus and pushes it (4 images at once) with the harness's raw-API pusher. */
export async function pushCorpus(registry: TestRegistry, repos: number, tags: number): Promise<CorpusImage[]> {
  const layers = new LayerSet();
  const all: CorpusImage[] = [];
  for (let r = 0; r < repos; r++) {
    const format = r % 2 === 0 ? 'docker' : 'oci';
    for (let t = 0; t < tags; t++) {
      const amd = await image(layers, r, t, AMD64, format);
      const multi = r % 10 === 0 && t === tags - 1;
      const built = multi ? buildIndex([amd, await image(layers, r, t, ARM64, format)], format) : amd;
      all.push({ repository: `${NAMESPACE}/app-${String(r).padStart(2, '0')}`, tag: `v1.${t}`, image: built });
    }
  }
  const limit = pLimit(4);
  await Promise.all(all.map((c) => limit(() => pushImage(registry, c.repository, c.tag, c.image))));
  return all;
}

/** Distinct blobs and their bytes, over the whole corpus (what a perfect sync sends once). */
export function corpusBlobs(corpus: CorpusImage[]): { count: number; bytes: number } {
  const seen = new Map<string, number>();
  for (const { image } of corpus) {
    for (const img of 'children' in image ? image.children : [image]) {
      for (const b of img.blobs) seen.set(b.digest, b.size);
    }
  }
  return { count: seen.size, bytes: [...seen.values()].reduce((a, b) => a + b, 0) };
}

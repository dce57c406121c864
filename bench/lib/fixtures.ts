// The source registry's content: one big single-layer image and a repository of many small distinct images,
// built in code by the test fixtures and pushed with the harness's own raw-API pusher (independent of src/).
import pLimit from 'p-limit';
import { type BuiltImage, buildBigImage, buildImage, pushImage } from '../../test/support/fixtures.js';
import type { TestRegistry } from '../../test/support/registry.js';

export const BIG_REPO = 'big/img';
export const BIG_TAG = '1';
export const MANY_REPO = 'many/app';

export interface ManyImage {
  tag: string;
  image: BuiltImage;
}

/** Builds and pushes the big image (its layer streamed through a file in `dir`); returns its manifest digest. */
export async function pushBigImage(registry: TestRegistry, dir: string, mib: number): Promise<BuiltImage> {
  const image = await buildBigImage(mib * 1024 * 1024, dir, `bench-big-${mib}`);
  await pushImage(registry, BIG_REPO, BIG_TAG, image);
  return image;
}

/** A few KiB of seed-dependent text, so every layer has different bytes (and digest). */
function filler(seed: string, lines: number): string {
  let text = '';
  for (let i = 0; i < lines; i++) text += `${seed} line ${i} ${(i * 2654435761) % 1000003}\n`;
  return text;
}

/**
 * `count` small images as tags v000… of one repository: 1–3 gzip layers each, alternating Docker schema2 and
 * OCI manifests, distinct content everywhere (no blob is shared between two images).
 */
export async function pushManyImages(registry: TestRegistry, count: number): Promise<ManyImage[]> {
  const limit = pLimit(4);
  const all: ManyImage[] = [];
  for (let i = 0; i < count; i++) {
    const seed = `bench-many-${i}`;
    const image = await buildImage({
      format: i % 2 === 0 ? 'docker' : 'oci',
      seed,
      layers: 1 + (i % 3),
      files: { 'app/data.txt': filler(seed, 40 + (i % 7) * 20), 'app/VERSION': `${i}\n` },
    });
    all.push({ tag: `v${String(i).padStart(3, '0')}`, image });
  }
  await Promise.all(all.map(({ tag, image }) => limit(() => pushImage(registry, MANY_REPO, tag, image))));
  return all;
}

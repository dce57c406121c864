// A large single-layer OCI image for benchmarks (hundreds of MB): the layer is an uncompressed tar holding one
// file of pseudo-random, incompressible bytes (AES-CTR keystream of a seed), streamed to a file and hashed as it
// is written, so building it needs only a few MB of memory.
import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pack } from 'tar-stream';
import { DigestCounter } from './digest.js';
import { type BlobRef, type BuiltImage, blobOf, finishImage, imageConfig, MEDIA_TYPES } from './oci-builder.js';

const CHUNK = 1 << 20;

/** `size` bytes of seeded keystream, in chunks of at most 1 MiB. */
function* randomChunks(size: number, seed: string): Generator<Buffer> {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  for (let left = size; left > 0; left -= CHUNK) yield cipher.update(zeros.subarray(0, Math.min(CHUNK, left)));
}

/** Writes a tar of one file (`payload.bin`, `size` random bytes) to `path`; returns the tar's digest and size. */
async function writeTarFile(path: string, size: number, seed: string): Promise<{ digest: string; size: number }> {
  const tar = pack();
  const out = createWriteStream(path);
  const counter = new DigestCounter();
  const consume = (async () => {
    for await (const data of tar) {
      const chunk = data as Buffer; // tar-stream's (streamx) types say unknown
      counter.update(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  })();
  const entry = tar.entry({ name: 'payload.bin', size, mode: 0o644, mtime: new Date('2024-01-01T00:00:00Z') });
  for (const chunk of randomChunks(size, seed)) {
    if (!entry.write(chunk)) await once(entry, 'drain');
  }
  entry.end(null); // streamx's end takes an optional last chunk
  tar.finalize();
  await consume;
  return { digest: counter.digest(), size: counter.size };
}

/**
 * One OCI image whose only layer (`application/vnd.oci.image.layer.v1.tar`, a file in `dir`) carries `sizeBytes`
 * of incompressible data. The layer blob has `path`, not `data`.
 */
export async function buildBigImage(sizeBytes: number, dir: string, seed = 'big'): Promise<BuiltImage> {
  const path = join(dir, `layer-${seed}-${sizeBytes}.tar`);
  const tar = await writeTarFile(path, sizeBytes, seed);
  const layer: BlobRef = { ...tar, mediaType: MEDIA_TYPES.oci.layerTar, path };
  const platform = { os: 'linux', architecture: 'amd64' };
  const config = blobOf(imageConfig({ format: 'oci', seed }, [tar.digest], platform), MEDIA_TYPES.oci.config);
  return finishImage('oci', config, [layer], platform);
}

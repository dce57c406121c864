// An image's root filesystem and config, pulled through the OCI client: the manifest (one platform of an index),
// the config, then every layer in order, each streamed (digest-verified by the client), decompressed under a
// budget and merged with whiteouts. Sizes are bounded before anything is read: the manifest says how big the
// layers are, so an image or layer over its cap fails at once with image_over_sized / image_layer_over_sized.

import { RegattaError } from '../errors.js';
import type { RegistryClient } from '../oci/client.js';
import { type ImageConfig, parseImageConfig } from '../oci/image-config.js';
import { type ImageManifest, type Manifest, type Platform, platformMatches } from '../oci/manifest.js';
import { readBounded } from '../oci/response.js';
import { ScanError } from './errors.js';
import { MergedFilesystem } from './filesystem.js';
import type { LayerCache } from './layer-cache.js';
import { type LayerReadLimits, readLayer, type WantPolicy } from './layer-tar.js';

export interface ImageLimits extends LayerReadLimits {
  /** Sum of the compressed layer sizes. */
  maxImageBytes: number;
  /** One compressed layer. */
  maxLayerBytes: number;
}

export const DEFAULT_LIMITS: ImageLimits = {
  maxImageBytes: 16 * 1024 ** 3,
  maxLayerBytes: 8 * 1024 ** 3,
  maxTarBytes: 16 * 1024 ** 3,
  maxKeptFileBytes: 32 * 1024 ** 2,
  maxHashedFileBytes: 256 * 1024 ** 2,
};

const CONFIG_LIMIT = 4 * 1024 * 1024;
const LINUX_AMD64: Platform = { os: 'linux', architecture: 'amd64' };

export interface ImageFiles {
  /** Digest of the image manifest read (the platform's, for an index). */
  digest: string;
  manifest: ImageManifest;
  config: ImageConfig;
  fs: MergedFilesystem;
}

export interface ImageSource {
  client: RegistryClient;
  repository: string;
  /** The manifest at the reference (an image or an index). */
  manifest: Manifest;
  platform?: Platform;
}

/** The image a manifest names: itself, or its index's entry for `platform` (default linux/amd64, else the first). */
export async function imageManifestOf(src: ImageSource, signal?: AbortSignal) {
  if (src.manifest.kind === 'image') return src.manifest;
  const entries = src.manifest.body.manifests.filter((m) => m.platform?.os !== 'unknown');
  const want = src.platform ?? LINUX_AMD64;
  const pick = entries.find((m) => platformMatches(m.platform, want)) ?? (src.platform ? undefined : entries[0]);
  if (!pick) throw new ScanError('get_detail_info_not_found', 'the index has no image for the wanted platform');
  const child = await src.client.manifestGet(src.repository, pick.digest, signal);
  if (child.kind !== 'image') throw new ScanError('failed_to_scan_file', 'an index inside an index');
  return child;
}

/** A layer cache, and a name for the read policy that decides what a read keeps (part of each layer's key). */
export interface CachedReads {
  cache: LayerCache;
  policy: string;
}

export async function readImage(
  src: ImageSource,
  want: WantPolicy,
  limits: ImageLimits = DEFAULT_LIMITS,
  signal?: AbortSignal,
  cached?: CachedReads,
): Promise<ImageFiles> {
  const image = await imageManifestOf(src, signal);
  const m = image.body;
  const total = m.layers.reduce((n, l) => n + l.size, 0);
  if (total > limits.maxImageBytes) {
    throw new ScanError('image_over_sized', `layers total ${total} bytes, over the ${limits.maxImageBytes} limit`);
  }
  const big = m.layers.find((l) => l.size > limits.maxLayerBytes);
  if (big) {
    throw new ScanError(
      'image_layer_over_sized',
      `layer ${big.digest} is ${big.size} bytes, over ${limits.maxLayerBytes}`,
    );
  }
  try {
    const rawConfig = await readBounded(
      src.client.blobGet(src.repository, m.config, { signal }),
      CONFIG_LIMIT,
      'config',
    );
    const config = parseImageConfig(rawConfig);
    const fs = new MergedFilesystem();
    for (const [i, layer] of m.layers.entries()) {
      const read = () => readLayer(src.client.blobGet(src.repository, layer, { signal }), i, want, limits);
      const key =
        cached &&
        `${layer.digest} ${cached.policy} ${limits.maxTarBytes}/${limits.maxKeptFileBytes}/${limits.maxHashedFileBytes}`;
      fs.applyLayer(cached && key ? await cached.cache.entries(key, i, read) : await read());
    }
    return { digest: image.digest, manifest: m, config, fs };
  } catch (err) {
    throw asScanError(err);
  }
}

/** Registry failures in the seed's words: 401/403 authentication_failed, 404 not found, the rest download_failed. */
function asScanError(err: unknown): unknown {
  if (err instanceof ScanError || !(err instanceof RegattaError)) return err;
  const status = (err as { status?: number }).status;
  if (status === 401 || status === 403 || err.code === 'UNAUTHORIZED') {
    return new ScanError('authentication_failed', err.message, { cause: err });
  }
  if (status === 404) return new ScanError('get_detail_info_not_found', err.message, { cause: err });
  if (err.code === 'UNSUPPORTED_FORMAT') return new ScanError('schema_v1_not_support', err.message, { cause: err });
  return new ScanError('download_failed', `${err.code}: ${err.message}`, { cause: err });
}

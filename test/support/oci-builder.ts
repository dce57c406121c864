// Builds container images in code, without src/: gzipped tar layers, an image config, and a Docker schema2 or
// OCI manifest; plus manifest lists / OCI indexes over several platforms. Same options, same bytes and digests;
// a different `seed` gives different content and so different digests.
import { sha256Hex } from './digest.js';
import { makeLayer } from './tar-layer.js';

export const MEDIA_TYPES = {
  docker: {
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
  oci: {
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    index: 'application/vnd.oci.image.index.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
    layerTar: 'application/vnd.oci.image.layer.v1.tar',
  },
} as const;

export type ImageFormat = 'docker' | 'oci';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** A blob to push: in memory (`data`) or in a file (`path`). */
export interface BlobRef {
  digest: string;
  size: number;
  mediaType: string;
  data?: Buffer;
  path?: string;
}

export interface BuiltImage {
  mediaType: string;
  manifest: Buffer;
  digest: string;
  /** The config first, then the layers in order. */
  blobs: BlobRef[];
  platform: Platform;
}

export interface BuiltIndex {
  mediaType: string;
  manifest: Buffer;
  digest: string;
  children: BuiltImage[];
}

export interface ImageOptions {
  format: ImageFormat;
  /** Files of the first layer (path → content). */
  files?: Record<string, string | Buffer>;
  /** Number of layers (default 1); each also holds a small seed-dependent file. */
  layers?: number;
  platform?: Platform;
  /** Varies the content, and so every digest (default 'regatta'). */
  seed?: string;
  env?: string[];
  user?: string;
  /** The image's `created` time (default 2024-01-01T00:00:00Z). */
  created?: string;
}

const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };
const DEFAULT_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];

export function blobOf(data: Buffer, mediaType: string): BlobRef {
  return { digest: sha256Hex(data), size: data.length, mediaType, data };
}

function descriptor(blob: BlobRef): { mediaType: string; size: number; digest: string } {
  return { mediaType: blob.mediaType, size: blob.size, digest: blob.digest };
}

/** Serializes a manifest and wraps it as a built image. */
export function finishImage(format: ImageFormat, config: BlobRef, layers: BlobRef[], platform: Platform): BuiltImage {
  const mediaType = MEDIA_TYPES[format].manifest;
  const body = { schemaVersion: 2, mediaType, config: descriptor(config), layers: layers.map(descriptor) };
  const manifest = Buffer.from(JSON.stringify(body, null, 2));
  return { mediaType, manifest, digest: sha256Hex(manifest), blobs: [config, ...layers], platform };
}

/** The image config JSON: platform, runtime config, rootfs diff_ids and one history entry per layer. */
export function imageConfig(opts: ImageOptions, diffIds: string[], platform: Platform): Buffer {
  const created = opts.created ?? '2024-01-01T00:00:00Z';
  const config = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Env: opts.env ?? DEFAULT_ENV, User: opts.user ?? '', Cmd: ['/bin/sh'], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created, created_by: `regatta-test layer ${i} seed ${opts.seed ?? ''}` })),
  };
  return Buffer.from(JSON.stringify(config));
}

export async function buildImage(opts: ImageOptions): Promise<BuiltImage> {
  const seed = opts.seed ?? 'regatta';
  const platform = opts.platform ?? DEFAULT_PLATFORM;
  const count = Math.max(1, opts.layers ?? 1);
  const layers = [];
  for (let i = 0; i < count; i++) {
    const marker = { [`regatta/layer-${i}.txt`]: `seed=${seed} layer=${i} ${platform.os}/${platform.architecture}\n` };
    layers.push(await makeLayer(i === 0 ? { ...opts.files, ...marker } : marker));
  }
  const diffIds = layers.map((l) => sha256Hex(l.tar));
  const config = blobOf(imageConfig({ ...opts, seed }, diffIds, platform), MEDIA_TYPES[opts.format].config);
  const layerBlobs = layers.map((l) => blobOf(l.gzip, MEDIA_TYPES[opts.format].layer));
  return finishImage(opts.format, config, layerBlobs, platform);
}

/** A Docker manifest list or OCI index over `images`, each entry with its platform. */
export function buildIndex(images: BuiltImage[], format: ImageFormat): BuiltIndex {
  const mediaType = MEDIA_TYPES[format].index;
  const manifests = images.map((img) => ({
    mediaType: img.mediaType,
    size: img.manifest.length,
    digest: img.digest,
    platform: img.platform,
  }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }, null, 2));
  return { mediaType, manifest, digest: sha256Hex(manifest), children: images };
}

/** linux/amd64 + linux/arm64/v8 images of `format` under one index. */
export async function buildMultiArch(format: ImageFormat, seed = 'multi-arch'): Promise<BuiltIndex> {
  const platforms: Platform[] = [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ];
  const images = await Promise.all(
    platforms.map((platform) => buildImage({ format, platform, seed: `${seed}-${platform.architecture}` })),
  );
  return buildIndex(images, format);
}

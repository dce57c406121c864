// Whether Regatta can scan what a tag names (seed 003 `scannable`), decided at crawl time from the manifest the
// crawl reads anyway, so that artifacts are never queued for a scan. A container image has an image config
// (OCI or Docker) and filesystem layers (tar, gzip or zstd: image-spec layer.md); anything else is an artifact
// (a Helm chart, a cosign signature or attestation, an SBOM, a WASM module). An image larger than the scanner
// reads is not scanned either, and says so with the seed's codes.
// Media types: https://github.com/opencontainers/image-spec/blob/v1.1.0/media-types.md
import type { ImageManifest } from '../oci/manifest.js';
import { MediaType } from '../oci/media-types.js';

/** Why a tag cannot be scanned: not an image, or over a size limit (the seed's scan_failed_code for it). */
export type Unscannable = 'not_a_container_image' | 'image_over_sized' | 'image_layer_over_sized';

const IMAGE_CONFIGS = new Set<string>([MediaType.OciConfig, MediaType.DockerConfig]);
const LAYER =
  /^application\/vnd\.(?:oci\.image\.layer\.(?:nondistributable\.)?v1\.tar(?:\+gzip|\+zstd)?|docker\.image\.rootfs\.(?:foreign\.)?diff\.tar\.gzip)$/;

/** The sizes the scanner reads at most; the scanning engine's own (image-reader.ts), given by the caller. */
export interface ScanSizeLimits {
  maxImageBytes: number;
  maxLayerBytes: number;
}

/** Undefined when the image manifest can be scanned, else why not (sizes checked only when limits are given). */
export function unscannableImage(m: ImageManifest, limits?: ScanSizeLimits): Unscannable | undefined {
  // An OCI 1.1 artifact says what it is; an image's artifactType is unset (or its config's type).
  if (m.artifactType !== undefined && !IMAGE_CONFIGS.has(m.artifactType)) return 'not_a_container_image';
  if (!IMAGE_CONFIGS.has(m.config.mediaType)) return 'not_a_container_image';
  if (m.layers.length === 0 || !m.layers.every((l) => LAYER.test(l.mediaType))) return 'not_a_container_image';
  if (!limits) return undefined;
  if (m.layers.some((l) => l.size > limits.maxLayerBytes)) return 'image_layer_over_sized';
  if (m.layers.reduce((n, l) => n + l.size, 0) > limits.maxImageBytes) return 'image_over_sized';
  return undefined;
}

// What an inventory row says about one tag: digest, size, update time, platforms. Reads the manifest and,
// for images, the config blob (for `created`); for an index, each platform's manifest and config.
// Image config `created`: https://github.com/opencontainers/image-spec/blob/v1.1.0/config.md#properties
import type { RegistryClient } from '../oci/client.js';
import { RegattaError } from '../oci/errors.js';
import { parseImageConfig } from '../oci/image-config.js';
import type { ImageManifest, Manifest } from '../oci/manifest.js';
import { readBounded } from '../oci/response.js';
import { type ScanSizeLimits, type Unscannable, unscannableImage } from './scannable.js';

export interface PlatformImage {
  image_digest: string;
  image_id: string;
  os: string;
  architecture: string;
  variant: string | null;
  image_size: number;
  scannable: boolean;
}

export interface TagDescription {
  image_digest: string;
  image_id: string;
  media_type: string;
  image_size: number;
  is_multiple_arch: boolean;
  /** Config `created` in ms, else undefined (the caller uses the time it first saw the digest). */
  created?: number;
  platforms: PlatformImage[];
  /** False for artifacts and images over the scanner's limits (scannable.ts). */
  scannable: boolean;
  unscannable_reason: Unscannable | null;
  /**
   * What says what an artifact is: an image manifest's artifactType, config media type and layers' media types
   * and `predicateType` annotations; an index's entries' artifactTypes (referrer-kinds.ts reads them).
   */
  artifact_hints: string[];
}

const CONFIG_LIMIT = 8 * 1024 * 1024;

/** Describes `digest` of `repository`, a manifest the caller has just seen under a tag. */
export async function describeTag(
  client: RegistryClient,
  repository: string,
  digest: string,
  signal?: AbortSignal,
  limits?: ScanSizeLimits,
): Promise<TagDescription> {
  const manifest = await client.manifestGet(repository, digest, signal);
  if (manifest.kind === 'image') {
    const image = await describeImage(client, repository, manifest.body, signal);
    const reason = unscannableImage(manifest.body, limits);
    return {
      image_digest: manifest.digest,
      media_type: manifest.mediaType,
      image_id: image.configHex,
      image_size: image.size,
      is_multiple_arch: false,
      created: image.created,
      platforms: [],
      scannable: reason === undefined,
      unscannable_reason: reason ?? null,
      artifact_hints: imageHints(manifest.body),
    };
  }
  const platforms = await describePlatforms(client, repository, manifest, signal, limits);
  const created = Math.max(0, ...platforms.map((p) => p.created ?? 0)) || undefined;
  return {
    image_digest: manifest.digest,
    media_type: manifest.mediaType,
    image_id: hexOf(manifest.digest),
    image_size: platforms.reduce((n, p) => n + p.image_size, 0),
    is_multiple_arch: true,
    created,
    platforms: platforms.map(({ created: _, reason: __, ...p }) => p),
    // Scanned platform by platform: scannable while one of them is; else the first platform's reason.
    scannable: platforms.some((p) => p.scannable),
    unscannable_reason: platforms.some((p) => p.scannable) ? null : (platforms[0]?.reason ?? 'not_a_container_image'),
    artifact_hints: manifest.body.manifests.flatMap((d) => (d.artifactType ? [d.artifactType] : [])),
  };
}

function imageHints(m: ImageManifest): string[] {
  const hints = [m.config.mediaType, ...m.layers.map((l) => l.mediaType)];
  if (m.artifactType) hints.push(m.artifactType);
  for (const l of m.layers) if (l.annotations?.predicateType) hints.push(l.annotations.predicateType);
  return [...new Set(hints)];
}

async function describePlatforms(
  client: RegistryClient,
  repository: string,
  index: Manifest & { kind: 'index' },
  signal?: AbortSignal,
  limits?: ScanSizeLimits,
) {
  // Attestations and signatures ride in indexes as `unknown/unknown` entries: not platforms of the image.
  const children = index.body.manifests.filter((d) => d.platform && d.platform.os !== 'unknown');
  return Promise.all(
    children.map(async (d) => {
      const child = await client.manifestGet(repository, d.digest, signal);
      const image =
        child.kind === 'image'
          ? await describeImage(client, repository, child.body, signal)
          : { size: d.size, configHex: hexOf(d.digest), created: undefined };
      // A nested index is no platform image the scanner can read.
      const reason: Unscannable | undefined =
        child.kind === 'image' ? unscannableImage(child.body, limits) : 'not_a_container_image';
      return {
        image_digest: d.digest,
        image_id: image.configHex,
        os: d.platform!.os,
        architecture: d.platform!.architecture,
        variant: d.platform!.variant ?? null,
        image_size: image.size,
        created: image.created,
        scannable: reason === undefined,
        reason,
      };
    }),
  );
}

async function describeImage(client: RegistryClient, repository: string, m: ImageManifest, signal?: AbortSignal) {
  const size = m.config.size + m.layers.reduce((n, l) => n + l.size, 0);
  const configHex = hexOf(m.config.digest);
  try {
    const raw = await readBounded(client.blobGet(repository, m.config, { signal }), CONFIG_LIMIT, 'image config');
    const created = Date.parse(parseImageConfig(raw).created ?? '');
    return { size, configHex, created: Number.isNaN(created) ? undefined : created };
  } catch (err) {
    // An artifact's config is not an image config; its size and digest still describe it.
    if (err instanceof RegattaError && err.code === 'INVALID_RESPONSE') return { size, configHex, created: undefined };
    throw err;
  }
}

function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

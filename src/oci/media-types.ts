// Media types of manifests, indexes, configs and layers.
// OCI: https://github.com/opencontainers/image-spec/blob/v1.1.0/media-types.md
// Docker: https://distribution.github.io/distribution/spec/manifest-v2-2/

export const MediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** Image manifests: one platform, a config and layers. */
export const IMAGE_MANIFEST_TYPES: readonly string[] = [MediaType.OciManifest, MediaType.DockerManifest];
/** Indexes: a list of manifests, usually one per platform. */
export const INDEX_TYPES: readonly string[] = [MediaType.OciIndex, MediaType.DockerManifestList];
/** Docker's first manifest format: refused with UNSUPPORTED_FORMAT (deprecated, digest tied to signatures). */
export const SCHEMA1_TYPES: readonly string[] = [MediaType.DockerSchema1, MediaType.DockerSchema1Signed];

/** The Accept header sent on manifest requests: every format we can handle. Schema1 is left out on purpose. */
export const MANIFEST_ACCEPT = [...IMAGE_MANIFEST_TYPES, ...INDEX_TYPES].join(', ');

/** Lower-cases and drops parameters (`; charset=…`) so types compare equal. */
export function normalizeMediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

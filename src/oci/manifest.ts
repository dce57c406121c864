// Manifests and indexes, validated at the boundary. The raw bytes are kept beside the parsed form: digests are
// over the exact bytes a registry served, so a manifest is never re-serialised before it is pushed.
// OCI manifest: https://github.com/opencontainers/image-spec/blob/v1.1.0/manifest.md
// OCI index:    https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md
// Docker v2.2:  https://distribution.github.io/distribution/spec/manifest-v2-2/
import { z } from 'zod';
import { digestOf, verifyBytes } from './digest.js';
import { InvalidResponseError, UnsupportedFormatError } from './errors.js';
import { IMAGE_MANIFEST_TYPES, INDEX_TYPES, MediaType, normalizeMediaType, SCHEMA1_TYPES } from './media-types.js';

const digestString = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'not a digest');

/** image-spec image-index.md#image-index-property-descriptions, `platform`. */
export const PlatformSchema = z.object({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional(),
});
export type Platform = z.infer<typeof PlatformSchema>;

/** image-spec descriptor.md#properties. */
export const DescriptorSchema = z.object({
  mediaType: z.string(),
  digest: digestString,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: PlatformSchema.optional(),
  artifactType: z.string().optional(),
});
export type Descriptor = z.infer<typeof DescriptorSchema>;

/** One image (or artifact): a config and layers. `subject` links an artifact to the image it refers to. */
export const ImageManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: DescriptorSchema,
  layers: z.array(DescriptorSchema),
  subject: DescriptorSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageManifest = z.infer<typeof ImageManifestSchema>;

/** An index / manifest list: child manifests, usually one per platform. */
export const IndexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  manifests: z.array(DescriptorSchema),
  subject: DescriptorSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type Index = z.infer<typeof IndexSchema>;

interface ManifestBase {
  /** Normalised media type: the body's `mediaType`, else the response's Content-Type. */
  mediaType: string;
  digest: string;
  /** The exact bytes served. Push these, never a re-serialisation. */
  raw: Buffer;
}
export interface ParsedImageManifest extends ManifestBase {
  kind: 'image';
  body: ImageManifest;
}
export interface ParsedIndex extends ManifestBase {
  kind: 'index';
  body: Index;
}
export type Manifest = ParsedImageManifest | ParsedIndex;

/**
 * Parses and validates manifest bytes. When `expectedDigest` is given (a pull by digest, or the registry's
 * Docker-Content-Digest), the bytes must hash to it. Schema1 and unknown formats raise UNSUPPORTED_FORMAT.
 */
export function parseManifest(raw: Buffer, contentType?: string, expectedDigest?: string): Manifest {
  if (expectedDigest) verifyBytes('manifest', raw, expectedDigest);
  const json = parseJson(raw);
  const mediaType = resolveMediaType(json, contentType);
  const digest = expectedDigest ?? digestOf(raw);
  if (INDEX_TYPES.includes(mediaType)) {
    return { kind: 'index', mediaType, digest, raw, body: validate(IndexSchema, json, mediaType) };
  }
  if (IMAGE_MANIFEST_TYPES.includes(mediaType)) {
    return { kind: 'image', mediaType, digest, raw, body: validate(ImageManifestSchema, json, mediaType) };
  }
  throw new UnsupportedFormatError(mediaType, 'not an OCI or Docker v2 manifest or index');
}

function parseJson(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidResponseError('manifest', 'body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidResponseError('manifest', 'body is not a JSON object');
  }
  return value as Record<string, unknown>;
}

/** Body `mediaType` wins over Content-Type; OCI allows neither, so fall back on the shape (image-spec manifest.md). */
function resolveMediaType(json: Record<string, unknown>, contentType?: string): string {
  const declared = typeof json.mediaType === 'string' ? normalizeMediaType(json.mediaType) : '';
  const served = normalizeMediaType(contentType);
  if (json.schemaVersion === 1 || SCHEMA1_TYPES.includes(declared) || SCHEMA1_TYPES.includes(served)) {
    throw new UnsupportedFormatError(declared || served || MediaType.DockerSchema1, 'Docker schema1 is deprecated');
  }
  if (declared) return declared;
  if (served && served !== 'application/json' && served !== 'application/octet-stream') return served;
  if (Array.isArray(json.manifests)) return MediaType.OciIndex;
  if (json.config !== undefined) return MediaType.OciManifest;
  return served;
}

function validate<T>(schema: z.ZodType<T>, json: unknown, mediaType: string): T {
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new InvalidResponseError(`manifest ${mediaType}`, `${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** `os/arch[/variant]`, as `--platform` takes it. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Parses `os/arch[/variant]`; throws on anything else. */
export function parsePlatform(s: string): Platform {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !p)) {
    throw new InvalidResponseError('platform', `"${s}" is not os/arch[/variant]`);
  }
  const [os, architecture, variant] = parts as [string, string, string?];
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** True when `p` satisfies `want`; a `want` without variant accepts any variant. */
export function platformMatches(p: Platform | undefined, want: Platform): boolean {
  if (!p || p.os !== want.os || p.architecture !== want.architecture) return false;
  return !want.variant || p.variant === want.variant;
}

/** Every blob an image manifest references, config first. Layers with foreign `urls` are skipped (not distributable). */
export function manifestBlobs(m: ImageManifest): Descriptor[] {
  return [m.config, ...m.layers.filter((l) => !l.urls?.length)];
}

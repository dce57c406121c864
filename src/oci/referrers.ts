// Referrers: artifacts (signatures, SBOMs, attestations) whose `subject` is a given manifest.
// The API: https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-referrers
// The fallback for registries without it, a tag named after the subject's digest holding an index of them:
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#referrers-tag-schema
// and cosign's older tag schema, one tag per kind: `sha256-<hex>.sig`, `.att`, `.sbom`
// (https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md#storage).

import type { RegistryClient } from './client.js';
import { parseDigest } from './digest.js';
import { RegistryError } from './errors.js';
import { type Descriptor, IndexSchema } from './manifest.js';
import { referrersPath } from './paths.js';
import { parseJson } from './response.js';
import { pullScope } from './scopes.js';

const REFERRERS_LIMIT = 4 * 1024 * 1024;

/** `sha256-<64 hex>` (the OCI fallback tag), optionally with cosign's `.sig`, `.att` or `.sbom`. */
const REFERRER_TAG = /^sha256-([0-9a-f]{64})(?:\.(sig|att|sbom))?$/;

export type CosignSuffix = 'sig' | 'att' | 'sbom';

/** The subject a referrer-schema tag names, and cosign's kind suffix if any; undefined for any other tag. */
export function referrerTagSubject(tag: string): { subject: string; suffix?: CosignSuffix } | undefined {
  const m = REFERRER_TAG.exec(tag);
  if (!m) return undefined;
  return m[2] ? { subject: `sha256:${m[1]}`, suffix: m[2] as CosignSuffix } : { subject: `sha256:${m[1]}` };
}

/** The OCI fallback tag of `digest`: `<alg>-<hex>`. */
export function fallbackTag(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${algorithm}-${hex}`;
}

/**
 * Descriptors of the manifests the referrers API lists for `digest`, or undefined when the registry has no such
 * API (a 404: the spec forbids a 404 from a registry that has it, even for a digest with no referrers).
 */
export async function referrersFromApi(
  client: RegistryClient,
  repository: string,
  digest: string,
  artifactType?: string,
  signal?: AbortSignal,
): Promise<Descriptor[] | undefined> {
  const url = referrersPath(repository, digest, artifactType);
  const request = { method: 'GET' as const, url, scopes: [pullScope(repository)], expect: [200, 404], signal };
  const { response, body } = await client.transport.read(request, REFERRERS_LIMIT);
  if (response.status !== 200) return undefined;
  const parsed = IndexSchema.safeParse(parseJson(body, 'referrers'));
  return parsed.success ? filterType(parsed.data.manifests, artifactType) : undefined;
}

/** Descriptors of the manifests that refer to `digest`, optionally of one artifact type: the API, else the tag. */
export async function referrersList(
  client: RegistryClient,
  repository: string,
  digest: string,
  artifactType?: string,
  signal?: AbortSignal,
): Promise<Descriptor[]> {
  const listed = await referrersFromApi(client, repository, digest, artifactType, signal);
  return listed ?? referrersFromTag(client, repository, digest, artifactType, signal);
}

/** The tag schema: `<alg>-<hex>` holds an index of referrers, maintained by the clients that push them. */
async function referrersFromTag(
  client: RegistryClient,
  repository: string,
  digest: string,
  artifactType: string | undefined,
  signal?: AbortSignal,
): Promise<Descriptor[]> {
  try {
    const m = await client.manifestGet(repository, fallbackTag(digest), signal);
    return m.kind === 'index' ? filterType(m.body.manifests, artifactType) : [];
  } catch (err) {
    if (err instanceof RegistryError && err.isNotFound) return [];
    throw err;
  }
}

function filterType(manifests: Descriptor[], artifactType?: string): Descriptor[] {
  return artifactType ? manifests.filter((d) => d.artifactType === artifactType) : manifests;
}

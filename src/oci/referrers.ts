// Referrers: artifacts (signatures, SBOMs, attestations) whose `subject` is a given manifest.
// The API: https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-referrers
// The fallback for registries without it, a tag named after the subject's digest:
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#referrers-tag-schema

import type { RegistryClient } from './client.js';
import { parseDigest } from './digest.js';
import { RegistryError } from './errors.js';
import { type Descriptor, IndexSchema } from './manifest.js';
import { referrersPath } from './paths.js';
import { parseJson } from './response.js';
import { pullScope } from './scopes.js';

const REFERRERS_LIMIT = 4 * 1024 * 1024;

/** Descriptors of the manifests that refer to `digest`, optionally of one artifact type. */
export async function referrersList(
  client: RegistryClient,
  repository: string,
  digest: string,
  artifactType?: string,
  signal?: AbortSignal,
): Promise<Descriptor[]> {
  const url = referrersPath(repository, digest, artifactType);
  const request = { method: 'GET' as const, url, scopes: [pullScope(repository)], expect: [200, 404], signal };
  const { response, body } = await client.transport.read(request, REFERRERS_LIMIT);
  if (response.status === 200) {
    const parsed = IndexSchema.safeParse(parseJson(body, 'referrers'));
    if (parsed.success) return filterType(parsed.data.manifests, artifactType);
  }
  return referrersFromTag(client, repository, digest, artifactType, signal);
}

/** The tag schema: `<alg>-<hex>` holds an index of referrers, maintained by the clients that push them. */
async function referrersFromTag(
  client: RegistryClient,
  repository: string,
  digest: string,
  artifactType: string | undefined,
  signal?: AbortSignal,
): Promise<Descriptor[]> {
  const { algorithm, hex } = parseDigest(digest);
  try {
    const m = await client.manifestGet(repository, `${algorithm}-${hex}`, signal);
    return m.kind === 'index' ? filterType(m.body.manifests, artifactType) : [];
  } catch (err) {
    if (err instanceof RegistryError && err.isNotFound) return [];
    throw err;
  }
}

function filterType(manifests: Descriptor[], artifactType?: string): Descriptor[] {
  return artifactType ? manifests.filter((d) => d.artifactType === artifactType) : manifests;
}

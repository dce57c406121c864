// Manifest endpoints: HEAD, GET, PUT, DELETE on `/v2/<name>/manifests/<reference>`.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-manifests

import { digestOf } from './digest.js';
import { RegistryError } from './errors.js';
import { type Manifest, parseManifest } from './manifest.js';
import { MANIFEST_ACCEPT, normalizeMediaType } from './media-types.js';
import { manifestPath } from './paths.js';
import { InvalidReferenceError, isValidDigest, isValidTag } from './reference.js';
import { MANIFEST_LIMIT } from './response.js';
import { deleteScope, pullScope, pushScope } from './scopes.js';
import type { Transport } from './transport.js';

export interface ManifestStat {
  digest: string;
  mediaType: string;
  size: number;
}

/** What a push needs: the exact bytes and their media type. */
export type PushableManifest = Pick<Manifest, 'raw' | 'mediaType'>;

/** Digest, type and size of a manifest, or undefined when the registry does not have it. */
export async function manifestHead(
  t: Transport,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<ManifestStat | undefined> {
  const url = manifestPath(repository, reference);
  const res = await t.send({
    method: 'HEAD',
    url,
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [pullScope(repository)],
    expect: [200, 404],
    signal,
  });
  await res.body.dump();
  if (res.status === 404) return undefined;
  const header = res.headers['docker-content-digest'];
  const digest =
    typeof header === 'string' && isValidDigest(header) ? header : isValidDigest(reference) ? reference : undefined;
  // Some registries omit Docker-Content-Digest on HEAD; the bytes themselves then tell.
  if (!digest) {
    const m = await manifestGet(t, repository, reference, signal);
    return { digest: m.digest, mediaType: m.mediaType, size: m.raw.length };
  }
  return {
    digest,
    mediaType: normalizeMediaType(res.headers['content-type'] as string | undefined),
    size: Number(res.headers['content-length'] ?? 0),
  };
}

/**
 * Pulls and validates a manifest. The bytes are checked against the digest asked for, else against the
 * registry's Docker-Content-Digest, so a tampered or truncated manifest never enters a copy.
 */
export async function manifestGet(
  t: Transport,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<Manifest> {
  const url = manifestPath(repository, reference);
  const { response: res, body: raw } = await t.read(
    {
      method: 'GET',
      url,
      headers: { accept: MANIFEST_ACCEPT },
      scopes: [pullScope(repository)],
      expect: [200],
      signal,
    },
    MANIFEST_LIMIT,
  );
  const header = res.headers['docker-content-digest'];
  const served = typeof header === 'string' && header.startsWith('sha256:') ? header : undefined;
  const expected = isValidDigest(reference) ? reference : served;
  return parseManifest(raw, res.headers['content-type'] as string | undefined, expected);
}

/** Pushes manifest bytes unchanged under a tag or digest; returns the digest. */
export async function manifestPut(
  t: Transport,
  repository: string,
  reference: string,
  manifest: PushableManifest,
  signal?: AbortSignal,
): Promise<string> {
  const url = manifestPath(repository, reference);
  const headers = { 'content-type': manifest.mediaType };
  const res = await t.send({
    method: 'PUT',
    url,
    headers,
    body: manifest.raw,
    scopes: [pushScope(repository)],
    expect: [201, 200],
    signal,
  });
  await res.body.dump();
  const digest = digestOf(manifest.raw);
  const served = res.headers['docker-content-digest'];
  if (typeof served === 'string' && served.startsWith('sha256:') && served !== digest) {
    throw new RegistryError({
      status: res.status,
      method: 'PUT',
      url: res.url,
      errors: [{ code: 'DIGEST_INVALID', message: `registry stored ${served}, sent ${digest}` }],
    });
  }
  return digest;
}

/**
 * Deletes a manifest by digest, and with it every tag that names it (the spec allows deleting by tag only on some
 * registries: {@link tagDelete}).
 */
export async function manifestDelete(
  t: Transport,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<void> {
  // A tag would make a valid manifest path too: this endpoint takes a digest only.
  if (!isValidDigest(digest))
    throw new InvalidReferenceError(`invalid digest ${JSON.stringify(digest.slice(0, 200))}`, digest);
  const url = manifestPath(repository, digest);
  const res = await t.send({ method: 'DELETE', url, scopes: [deleteScope(repository)], expect: [202, 200], signal });
  await res.body.dump();
}

/**
 * Deletes one tag, leaving the manifest and its other tags (OCI 1.1, `DELETE /v2/<name>/manifests/<tag>`). False
 * when the registry does not delete tags: Distribution 2.8 answers 400 DIGEST_INVALID, Harbor UNSUPPORTED, others
 * 405. A tag the registry does not have is a RegistryError with status 404.
 * https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#deleting-tags
 */
export async function tagDelete(t: Transport, repository: string, tag: string, signal?: AbortSignal): Promise<boolean> {
  if (!isValidTag(tag)) throw new InvalidReferenceError(`invalid tag ${JSON.stringify(tag.slice(0, 200))}`, tag);
  const url = manifestPath(repository, tag);
  try {
    const res = await t.send({ method: 'DELETE', url, scopes: [deleteScope(repository)], expect: [202, 200], signal });
    await res.body.dump();
    return true;
  } catch (err) {
    const refused =
      err instanceof RegistryError &&
      (err.status === 400 || err.status === 405 || err.errors.some((e) => e.code === 'UNSUPPORTED'));
    if (refused) return false;
    throw err;
  }
}

// Every registry URL path Regatta requests is made here, from parts checked against the distribution spec's
// grammar first: a repository name (`[a-z0-9]+(?:[._-]…)*` components joined by `/`), a tag
// (`[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`) or a digest (`algorithm:hex` Regatta can verify). A tag like
// `../../escaped/repo/manifests/t000` or `t000?x=1#` never reaches a URL, whoever passed it (an event, a rule
// run, a stored row): it is refused with INVALID_REFERENCE. Valid parts need no escaping; query values are
// percent-encoded.
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
import { InvalidReferenceError, isValidDigest, isValidRepository, isValidTag } from './reference.js';

function repo(repository: string): string {
  if (!isValidRepository(repository)) {
    throw new InvalidReferenceError(`invalid repository ${JSON.stringify(repository.slice(0, 200))}`, repository);
  }
  return repository;
}

function digestOf(digest: string): string {
  if (!isValidDigest(digest))
    throw new InvalidReferenceError(`invalid digest ${JSON.stringify(digest.slice(0, 200))}`, digest);
  return digest;
}

/** A tag or a digest, as a manifest path takes it. */
function tagOrDigest(reference: string): string {
  if (reference.includes(':')) return digestOf(reference);
  if (!isValidTag(reference))
    throw new InvalidReferenceError(`invalid tag ${JSON.stringify(reference.slice(0, 200))}`, reference);
  return reference;
}

export const manifestPath = (repository: string, reference: string) =>
  `/v2/${repo(repository)}/manifests/${tagOrDigest(reference)}`;

export const blobPath = (repository: string, digest: string) => `/v2/${repo(repository)}/blobs/${digestOf(digest)}`;

export const uploadPath = (repository: string) => `/v2/${repo(repository)}/blobs/uploads/`;

export const mountPath = (repository: string, digest: string, from: string) =>
  `${uploadPath(repository)}?mount=${encodeURIComponent(digestOf(digest))}&from=${encodeURIComponent(repo(from))}`;

export const tagsPath = (repository: string) => `/v2/${repo(repository)}/tags/list`;

export const referrersPath = (repository: string, digest: string, artifactType?: string) =>
  `/v2/${repo(repository)}/referrers/${digestOf(digest)}${artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : ''}`;

// Parses, normalises and formats container image references as Docker and OCI tools write them:
// `[registry/]repository[:tag][@digest]`, with Docker Hub as the default registry.
// Grammar: https://github.com/distribution/reference/blob/main/reference.go
// Name, tag and digest rules: https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
import { RegattaError } from './errors.js';

/** A fully normalised image reference: the registry is always explicit and Docker Hub names carry `library/`. */
export interface Reference {
  /** Registry host, lower-case, with its port when one was given (`docker.io`, `127.0.0.1:5000`, `[::1]:5000`). */
  registry: string;
  /** Repository path inside the registry (`library/alpine`, `team/app`). */
  repository: string;
  /** Tag, when the reference names one. */
  tag?: string;
  /** Digest (`sha256:…`), when the reference names one. */
  digest?: string;
}

/** Thrown when an image reference, repository or registry name does not follow the reference grammar. */
export class InvalidReferenceError extends RegattaError {
  /**
   * @param message - one line saying what is wrong with which input
   * @param input - the text that failed to parse
   */
  constructor(
    message: string,
    readonly input: string,
  ) {
    super('INVALID_REFERENCE', message);
  }
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';
const LEGACY_DOCKER_HUB = 'index.docker.io';
const DEFAULT_TAG = 'latest';
const NAME_MAX_LENGTH = 255;
const TAG_MAX_LENGTH = 128;

const PATH_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const REGISTRY_RE = new RegExp(`^${HOST}(?::[0-9]+)?$`);
const TAG_RE = /^\w[\w.-]*$/;
const IMAGE_ID_RE = /^[a-f0-9]{64}$/;
const DIGEST_RE = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const HEX_RE = /^[a-f0-9]+$/;
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

interface Source {
  kind: 'image reference' | 'repository';
  input: string;
}

function fail(src: Source, problem: string): never {
  const shown = src.input.length > 200 ? `${src.input.slice(0, 200)}…` : src.input;
  throw new InvalidReferenceError(`invalid ${src.kind} ${JSON.stringify(shown)}: ${problem}`, src.input);
}

/**
 * Parses an image reference such as `alpine`, `ghcr.io/org/app:1.2`, `127.0.0.1:5000/a/b:tag`
 * or `repo:tag@sha256:…` into its normalised parts.
 *
 * The first path component is the registry when it contains `.` or `:` or is `localhost`; otherwise the
 * registry is `docker.io`, and single-component Docker Hub names gain `library/`. `index.docker.io` becomes
 * `docker.io`. A tag and a digest may both be present and are both kept.
 *
 * @param input - the reference as a user or tool wrote it
 * @param opts - `defaultTag` (default `true`): add the tag `latest` when neither tag nor digest is given
 * @returns the normalised reference
 * @throws {@link InvalidReferenceError} when the input is not a valid reference
 */
export function parseReference(input: string, opts: { defaultTag?: boolean } = {}): Reference {
  const src: Source = { kind: 'image reference', input };
  if (IMAGE_ID_RE.test(input)) fail(src, 'a bare 64-character hex string is an image ID, not a reference');
  const { rest, digest } = splitDigest(input, src);
  const { name, tag } = splitTag(rest, src);
  const ref: Reference = splitName(name, src);
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (tag === undefined && digest === undefined && opts.defaultTag !== false) ref.tag = DEFAULT_TAG;
  return ref;
}

/**
 * Parses a repository name without tag or digest (`alpine`, `HOST/REPO`), normalised like {@link parseReference}.
 *
 * @param input - the repository as a user wrote it, e.g. for `regatta tags`
 * @returns the registry and repository
 * @throws {@link InvalidReferenceError} when the input is invalid or carries a tag or digest
 */
export function parseRepository(input: string): { registry: string; repository: string } {
  const src: Source = { kind: 'repository', input };
  if (input.includes('@')) fail(src, 'a repository must not include a digest');
  if (input.lastIndexOf(':') > input.lastIndexOf('/')) fail(src, 'a repository must not include a tag');
  return splitName(input, src);
}

/**
 * Formats a reference as `registry/repository[:tag][@digest]`.
 *
 * @param ref - the reference to format (not validated)
 * @returns the canonical string, e.g. `docker.io/library/alpine:latest`
 */
export function formatReference(ref: Reference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}

/**
 * Maps a registry name to the host that serves its HTTP API.
 *
 * @param registry - a registry as found in {@link Reference.registry}
 * @returns `registry-1.docker.io` for `docker.io`, otherwise the registry unchanged
 */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}

/**
 * Tells whether a registry is on the loopback interface: `localhost`, any address in `127.0.0.0/8`, or `[::1]`,
 * with or without a port.
 *
 * @param registry - a registry host with optional port
 * @returns `true` for loopback registries
 */
export function isLoopbackHost(registry: string): boolean {
  if (!REGISTRY_RE.test(registry)) return false;
  let host: string;
  try {
    host = new URL(`http://${registry}/`).hostname;
  } catch {
    return false;
  }
  if (host === 'localhost' || host === '[::1]') return true;
  return /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Whether `s` is a repository path as the distribution spec's name grammar allows (no registry, ≤ 255 chars). */
export function isValidRepository(s: string): boolean {
  return s.length > 0 && s.length <= NAME_MAX_LENGTH && REPOSITORY_RE.test(s);
}

/** Whether `s` is a tag: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`. */
export function isValidTag(s: string): boolean {
  return s.length <= TAG_MAX_LENGTH && TAG_RE.test(s);
}

/**
 * Tells whether a string is a digest Regatta can verify: `sha256:` with 64 or `sha512:` with 128 lower-case hex
 * characters. Digests using other (unregistered) algorithms are rejected.
 *
 * @param s - the candidate digest
 * @returns `true` when valid
 */
export function isValidDigest(s: string): boolean {
  const m = DIGEST_RE.exec(s);
  if (!m) return false;
  const [, algorithm = '', encoded = ''] = m;
  const length = DIGEST_HEX_LENGTH[algorithm];
  return length !== undefined && encoded.length === length && HEX_RE.test(encoded);
}

function splitDigest(input: string, src: Source): { rest: string; digest?: string } {
  const at = input.indexOf('@');
  if (at < 0) return { rest: input };
  const digest = input.slice(at + 1);
  if (!isValidDigest(digest)) {
    fail(src, `digest ${JSON.stringify(digest)} is not sha256:<64 hex> or sha512:<128 hex>`);
  }
  return { rest: input.slice(0, at), digest };
}

function splitTag(rest: string, src: Source): { name: string; tag?: string } {
  const colon = rest.lastIndexOf(':');
  if (colon <= rest.lastIndexOf('/')) return { name: rest };
  const tag = rest.slice(colon + 1);
  if (tag.length > TAG_MAX_LENGTH) fail(src, `tag is longer than ${TAG_MAX_LENGTH} characters`);
  if (!TAG_RE.test(tag)) fail(src, `tag ${JSON.stringify(tag)} must match [a-zA-Z0-9_][a-zA-Z0-9._-]*`);
  return { name: rest.slice(0, colon), tag };
}

function splitName(name: string, src: Source): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  const first = name.slice(0, slash);
  const hasRegistry = slash >= 0 && (/[.:]/.test(first) || first === 'localhost');
  const registry = hasRegistry ? normaliseRegistry(first, src) : DOCKER_HUB;
  let repository = hasRegistry ? name.slice(slash + 1) : name;
  if (registry === DOCKER_HUB && repository !== '' && !repository.includes('/')) repository = `library/${repository}`;
  checkRepository(registry, repository, src);
  return { registry, repository };
}

function normaliseRegistry(registry: string, src: Source): string {
  if (!REGISTRY_RE.test(registry)) fail(src, `registry ${JSON.stringify(registry)} is not a valid host[:port]`);
  const lower = registry.toLowerCase();
  return lower === LEGACY_DOCKER_HUB ? DOCKER_HUB : lower;
}

function checkRepository(registry: string, repository: string, src: Source): void {
  if (repository === '') fail(src, 'repository name is empty');
  if (registry.length + 1 + repository.length > NAME_MAX_LENGTH) {
    fail(src, `name is longer than ${NAME_MAX_LENGTH} characters`);
  }
  if (repository !== repository.toLowerCase()) fail(src, 'repository name must be lower-case');
  if (!REPOSITORY_RE.test(repository)) {
    fail(
      src,
      `repository ${JSON.stringify(repository)} must be lower-case components separated by /, each made of [a-z0-9] joined by ., _, __ or -`,
    );
  }
}

// Tag conflicts: the target tag names another image than the source's. Regatta finds them itself (override off:
// a HEAD before anything is written) or hears them from a registry that keeps tags immutable and refuses the
// manifest PUT. Both end as TAG_CONFLICT, the code a sync task reports (ACR's TaskIssue of the same name), so an
// operator sees "the target refused an overwrite" instead of a registry-specific 409 / 412 / 400.
import { RegattaError, RegistryError } from '../oci/errors.js';
import type { Manifest } from '../oci/manifest.js';
import type { ImageEndpoint } from './image-copy.js';

export class TagConflictError extends RegattaError {
  constructor(
    message: string,
    /** What the target tag names, when known. */
    readonly targetDigest?: string,
    options?: { cause?: unknown },
  ) {
    super('TAG_CONFLICT', message, options);
  }
}

/** The target tag holds `targetDigest`, the source `sourceDigest`, and overwriting is not allowed. */
export function tagConflict(dst: ImageEndpoint, sourceDigest: string, targetDigest: string): TagConflictError {
  return new TagConflictError(
    `${dst.client.registry}/${dst.repository}:${dst.reference} is ${targetDigest}, the source is ${sourceDigest} (override is off)`,
    targetDigest,
  );
}

/**
 * True when a manifest PUT was refused because the tag may not be overwritten. Only these answers, so that other
 * failures keep their own codes (a 400 MANIFEST_INVALID or a plain 403 DENIED is not a conflict):
 *   - 409 Conflict, or 412 Precondition Failed (Harbor's immutable-tag rule: "… configured as Immutable …");
 *   - TAG_INVALID or DENIED whose message says "immutable" (ECR: "… cannot be overwritten because the
 *     repository is immutable", sent with 400).
 */
export function isImmutableRefusal(err: unknown): boolean {
  if (!(err instanceof RegistryError) || err.method !== 'PUT') return false;
  if (err.status === 409 || err.status === 412) return true;
  return err.errors.some(
    (e) => (e.code === 'TAG_INVALID' || e.code === 'DENIED') && /immutable/i.test(`${e.message ?? ''} ${detail(e)}`),
  );
}

function detail(e: { detail?: unknown }): string {
  return typeof e.detail === 'string' ? e.detail : e.detail === undefined ? '' : JSON.stringify(e.detail);
}

/** Pushes `manifest` under the tag `reference`, turning an immutability refusal into TAG_CONFLICT. */
export async function pushTag(
  dst: Pick<ImageEndpoint, 'client' | 'repository'>,
  reference: string,
  manifest: Manifest,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await dst.client.manifestPut(dst.repository, reference, manifest, signal);
  } catch (err) {
    if (!isImmutableRefusal(err)) throw err;
    const why = (err as RegistryError).message;
    throw new TagConflictError(
      `${dst.client.registry}/${dst.repository}:${reference}: the registry refused to overwrite the tag (${why})`,
      undefined,
      { cause: err },
    );
  }
}

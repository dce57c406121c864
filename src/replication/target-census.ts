// Which target repositories do not exist yet, asked once per repository and run (`regatta sync`) or batch (a
// worker's tasks, batch-ledgers.ts, answers trusted for a minute). A first sync into an empty
// namespace then skips the HEAD of every target tag (each a 404): a repository that does not exist holds no tag
// that could conflict. One tag-list request per repository (`n=1`) instead of one HEAD per tag.
// Only the spec's NAME_UNKNOWN counts as "absent": any other answer (a registry without tag lists, a 404 of a
// proxy, an auth error) leaves the per-tag HEADs in place, so a conflict is never missed on a guess.
import { RegistryError } from '../oci/errors.js';
import type { ImageEndpoint } from './image-copy.js';

export class TargetCensus {
  private readonly repositories = new Map<string, { absent: Promise<boolean>; at: number }>();
  private readonly references = new Set<string>();

  /** `maxAgeMs`: an answer older than this is asked again (a worker's census lives as long as its batch). */
  constructor(private readonly maxAgeMs = Number.POSITIVE_INFINITY) {}

  /**
   * True when the repository of `dst` did not exist when first asked, and no earlier item of the run targets the
   * same reference (two rules writing one tag must still see each other's push).
   */
  async absent(dst: ImageEndpoint, signal?: AbortSignal): Promise<boolean> {
    const repo = `${dst.client.registry}/${dst.repository}`;
    const reference = `${repo}:${dst.reference}`;
    if (this.references.has(reference)) return false;
    this.references.add(reference);
    const now = Date.now();
    let known = this.repositories.get(repo);
    if (!known || now - known.at > this.maxAgeMs) {
      const absent = dst.client.tagList(dst.repository, { pageSize: 1, limit: 1, signal }).then(
        () => false,
        (err) => err instanceof RegistryError && err.status === 404 && err.code === 'NAME_UNKNOWN',
      );
      known = { absent, at: now };
      this.repositories.set(repo, known);
    }
    return known.absent;
  }
}

// Blob sharing across the images of one run (a sync of a namespace). Images share base layers; once one copy has
// sent a layer to one repository of the target registry, the next copy into another repository mounts it from
// there (one POST, no bytes, no GET at the source) instead of pulling it again, and a copy into the same
// repository knows it is there without a HEAD. While a first transfer is still running, the others wait for it
// rather than start a second one. Keyed by target registry and digest; repositories are target repositories.
import type { Descriptor } from '../oci/manifest.js';
import { type BlobCopyOptions, type BlobEndpoint, type BlobOutcome, copyBlob } from './blob-copy.js';

/** A target repository that holds a blob or is getting it; `ok` is set once that is settled. */
interface Place {
  ready: Promise<boolean>;
  ok?: boolean;
}

export class BlobLedger {
  private readonly places = new Map<string, Map<string, Place>>();

  /** Copies `blob` like copyBlob, but at most once per target registry and run; other repositories mount it. */
  async copy(src: BlobEndpoint, dst: BlobEndpoint, blob: Descriptor, opts: BlobCopyOptions = {}): Promise<BlobOutcome> {
    const key = `${dst.client.registry}\n${blob.digest}`;
    let repos = this.places.get(key);
    if (!repos) {
      repos = new Map();
      this.places.set(key, repos);
    }
    const here = repos.get(dst.repository);
    if (here && (await here.ready)) return 'exists';
    const others = [...repos].filter(([repo]) => repo !== dst.repository);
    const attempt = this.place(src, dst, blob, others, opts);
    const place: Place = {
      ready: attempt.then(
        () => (place.ok = true),
        () => (place.ok = false),
      ),
    };
    repos.set(dst.repository, place);
    return attempt;
  }

  private async place(
    src: BlobEndpoint,
    dst: BlobEndpoint,
    blob: Descriptor,
    others: [string, Place][],
    opts: BlobCopyOptions,
  ): Promise<BlobOutcome> {
    const from = await holder(others);
    if (from !== undefined) {
      // A declined or failed mount is not an error: the plain copy below still gets the blob there.
      const mounted = await dst.client.blobMount(dst.repository, from, blob.digest, opts.signal).catch((err) => {
        if (opts.signal?.aborted) throw err;
        return false;
      });
      if (mounted) return 'mounted';
    }
    return copyBlob(src, dst, blob, opts);
  }
}

/** A repository that has the blob: one known to, else the first to finish getting it; undefined if none does. */
async function holder(others: [string, Place][]): Promise<string | undefined> {
  const done = others.find(([, p]) => p.ok === true);
  if (done) return done[0];
  for (const [repo, place] of others) {
    if (place.ok === undefined && (await place.ready)) return repo;
  }
  return undefined;
}

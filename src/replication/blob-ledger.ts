// Blob sharing across the images of one run (a sync of a namespace). Images share base layers; once one copy has
// sent a layer to one repository of the target registry, the next copy into another repository mounts it from
// there (one POST, no bytes, no GET at the source) instead of pulling it again, and a copy into the same
// repository knows it is there without a request. While a first transfer is still running, the others wait for
// it rather than start a second one. Keyed by target registry and digest; repositories are target repositories.
//
// Once a registry has honoured a mount in this run, a blob with no known holder is probed with a mount from the
// target repository itself instead of a HEAD: Distribution answers 201 when the repository has the blob, else
// opens the upload session the bytes then go to. One request where HEAD + POST were two, for every blob sent.
// (A registry that mounts across repositories but declines a self-mount only costs a re-sent blob, never a
// wrong one: the upload's digest is checked as always.)
import type { Descriptor } from '../oci/manifest.js';
import { type BlobCopyOptions, type BlobEndpoint, type BlobOutcome, copyBlob, sendBlob } from './blob-copy.js';

/** A target repository that holds a blob or is getting it; `ok` is set once that is settled. */
interface Place {
  ready: Promise<boolean>;
  ok?: boolean;
}

export class BlobLedger {
  private readonly places = new Map<string, Map<string, Place>>();
  /** Per target registry: true once it honoured a mount, false once it declined one. */
  private readonly mounts = new Map<string, boolean>();

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
    const registry = dst.client.registry;
    const mounts = this.mounts.get(registry);
    // Within one registry the source repository holds every blob: mount from it, no HEAD first.
    const sameRegistry = src.client.registry === registry && src.repository !== dst.repository;
    const holder =
      mounts === false ? undefined : ((await holderOf(others)) ?? (sameRegistry ? src.repository : undefined));
    if (holder === undefined && mounts !== true) return copyBlob(src, dst, blob, opts);
    const from = holder ?? dst.repository;
    const probe = await dst.client.blobMountOrStart(dst.repository, from, blob.digest, opts.signal).catch((err) => {
      if (opts.signal?.aborted) throw err;
      return undefined; // a failed mount is not an error: the plain copy below still gets the blob there
    });
    if (probe?.mounted) {
      this.mounts.set(registry, true);
      return holder === undefined ? 'exists' : 'mounted';
    }
    if (!probe) return copyBlob(src, dst, blob, opts);
    if (holder !== undefined) {
      // A real mount declined: this registry does not mount, and the repository may still have the blob.
      this.mounts.set(registry, false);
      if ((await dst.client.blobHead(dst.repository, blob.digest, opts.signal)) !== undefined) {
        if (probe.location) await dst.client.uploadCancel(dst.repository, probe.location);
        return 'exists';
      }
    }
    await sendBlob(src, dst, blob, { ...opts, session: probe.location });
    return 'copied';
  }
}

/** A repository that has the blob: one known to, else the first to finish getting it; undefined if none does. */
async function holderOf(others: [string, Place][]): Promise<string | undefined> {
  const done = others.find(([, p]) => p.ok === true);
  if (done) return done[0];
  for (const [repo, place] of others) {
    if (place.ok === undefined && (await place.ready)) return repo;
  }
  return undefined;
}

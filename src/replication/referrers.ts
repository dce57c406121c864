// Referrers travel with their image (issue 15): once an image (their subject) is at the target, the artifacts that
// refer to it (cosign signatures and attestations, SBOMs, notation signatures, scan reports) are copied after
// it, digest-identical, in the same target repository. They are found two ways:
//   - the tag schemas (oci/referrers.ts): `sha256-<hex>` (the OCI fallback index) and cosign's `sha256-<hex>.sig`,
//     `.att`, `.sbom`; these tags come with the source's tag list, which a sync has read already, so a repository
//     without them costs no request at all;
//   - the referrers API, where the source registry has it (probed once per registry client): each referrer is
//     copied by digest, and a target without the API gets the fallback index the spec asks clients to keep.
// Referrers of referrers (a signature of an SBOM) and of an index's platform images follow, to MAX_DEPTH.
import type { RegistryClient } from '../oci/client.js';
import type { Descriptor } from '../oci/manifest.js';
import { INDEX_TYPES, MediaType } from '../oci/media-types.js';
import { fallbackTag, referrersFromApi, referrerTagSubject } from '../oci/referrers.js';
import type { BlobLedger } from './blob-ledger.js';
import { addStats, type CopyListener, type CopyStats, emptyStats } from './copy-events.js';
import { copyImage, type ImageCopyOptions, type ImageCopyResult, type ImageEndpoint } from './image-copy.js';

/** How deep referrers of referrers are followed (image → signature → its countersignature). */
const MAX_DEPTH = 3;

export interface ReferrerCopyOptions {
  /** The source repository's referrer-schema tags, when the caller has its tag list; undefined: listed here. */
  tags?: string[];
  blobs?: BlobLedger;
  onEvent?: CopyListener;
  signal?: AbortSignal;
}

export interface ReferrersCopied {
  /** Referrer manifests (or fallback indexes) pushed. */
  copied: number;
  /** Found already at the target, byte for byte. */
  unchanged: number;
  /** What their copies sent. */
  stats: CopyStats;
}

/**
 * Copies an image, then (with `referrers`) what refers to it. A referrer that cannot be copied fails the copy:
 * an image whose signature did not arrive is not the image the source has.
 */
export async function copyWithReferrers(
  src: ImageEndpoint,
  dst: ImageEndpoint,
  options: ImageCopyOptions,
  referrers?: Pick<ReferrerCopyOptions, 'tags'>,
): Promise<ImageCopyResult & { referrers?: ReferrersCopied }> {
  const result = await copyImage(src, dst, options);
  if (!referrers) return result;
  const { blobs, onEvent, signal } = options;
  // The subject is at the target under its digest whatever tag the copy gave it.
  const at = { ...dst, reference: result.digest };
  const copied = await copyReferrers({ ...src, reference: result.digest }, at, result, {
    ...referrers,
    blobs,
    onEvent,
    signal,
  });
  addStats(result.stats, copied.stats);
  return { ...result, referrers: copied };
}

/** The referrer-schema tags among `tags`. */
export function referrerTags(tags: readonly string[]): string[] {
  return tags.filter((t) => referrerTagSubject(t) !== undefined);
}

/** Copies the referrers of the image just copied (`subject`, at the same digest on both sides) after it. */
export async function copyReferrers(
  src: ImageEndpoint,
  dst: ImageEndpoint,
  subject: { digest: string; mediaType: string },
  opts: ReferrerCopyOptions,
): Promise<ReferrersCopied> {
  const tags = opts.tags ?? referrerTags(await src.client.tagList(src.repository, { signal: opts.signal }));
  const run = new ReferrerRun(src, dst, tags, opts);
  // The common case, nothing refers to anything here: decided without a request beyond the (shared) probe.
  if (tags.length === 0 && !(await run.sourceHasApi(subject.digest))) return run.done;
  let frontier = [subject.digest, ...(await run.platformsOf(subject))];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const digest of frontier) next.push(...(await run.copyReferrersOf(digest)));
    frontier = next;
  }
  return run.done;
}

/** Whether a registry answers the referrers API, learnt from its first answer (per client: per registry). */
const apiSupport = new WeakMap<RegistryClient, boolean>();

class ReferrerRun {
  readonly done: ReferrersCopied = { copied: 0, unchanged: 0, stats: emptyStats() };
  /** Referrer manifests already handled in this run (a descriptor listed by the API and in a fallback index). */
  private readonly seen = new Set<string>();

  constructor(
    private readonly src: ImageEndpoint,
    private readonly dst: ImageEndpoint,
    private readonly tags: string[],
    private readonly opts: ReferrerCopyOptions,
  ) {}

  /** Source answers of the referrers API, per subject digest (the probe's answer is not asked for twice). */
  private readonly sourceLists = new Map<string, Promise<Descriptor[] | undefined>>();

  /** The source's referrers API answers (probing it with `digest` the first time this client is asked). */
  async sourceHasApi(digest: string): Promise<boolean> {
    if (apiSupport.get(this.src.client) === false) return false;
    return (await this.sourceList(digest)) !== undefined;
  }

  private sourceList(digest: string): Promise<Descriptor[] | undefined> {
    let listed = this.sourceLists.get(digest);
    if (!listed) {
      listed = this.apiList(this.src, digest);
      this.sourceLists.set(digest, listed);
    }
    return listed;
  }

  /** An index's platform images: their signatures (cosign sign --recursive) are the index's too. */
  async platformsOf(subject: { digest: string; mediaType: string }): Promise<string[]> {
    if (!INDEX_TYPES.includes(subject.mediaType)) return [];
    const index = await this.src.client.manifestGet(this.src.repository, subject.digest, this.opts.signal);
    return index.kind === 'index' ? index.body.manifests.map((d) => d.digest) : [];
  }

  /** Copies what refers to `digest`; returns the copied referrers' digests, whose own referrers come next. */
  async copyReferrersOf(digest: string): Promise<string[]> {
    const next: string[] = [];
    for (const tag of this.tags.filter((t) => referrerTagSubject(t)?.subject === digest)) {
      next.push(...(await this.copyTag(tag)));
    }
    if (apiSupport.get(this.src.client) !== false) {
      const listed = (await this.sourceList(digest)) ?? [];
      const fresh = listed.filter((d) => !this.seen.has(d.digest));
      for (const d of fresh) {
        await this.copy(d.digest, d.digest);
        next.push(d.digest);
      }
      if (fresh.length > 0 && !(await this.targetHasApi(digest))) await this.keepFallbackIndex(digest, listed);
    }
    return next;
  }

  /** A tag-schema tag: copied as it is, or, for a fallback index the target already holds, merged with it. */
  private async copyTag(tag: string): Promise<string[]> {
    const suffix = referrerTagSubject(tag)?.suffix;
    if (suffix) return [await this.copy(tag, tag)];
    const index = await this.src.client.manifestGet(this.src.repository, tag, this.opts.signal);
    const children = index.kind === 'index' ? index.body.manifests : [];
    const theirs = await this.fallbackAtTarget(tag);
    const extra = theirs?.filter((d) => !children.some((c) => c.digest === d.digest)) ?? [];
    if (extra.length === 0) {
      // The target has nothing the source's index lacks: the index itself is copied, digest-identical.
      await this.copy(tag, tag);
    } else {
      for (const child of children) await this.copy(child.digest, child.digest);
      await this.pushIndex(tag, [...children, ...extra]);
    }
    for (const c of children) this.seen.add(c.digest);
    return children.map((c) => c.digest);
  }

  /** Copies one referrer (a tag or a digest); returns its digest. */
  private async copy(from: string, to: string): Promise<string> {
    const r = await copyImage(
      { ...this.src, reference: from },
      { ...this.dst, reference: to },
      {
        override: true,
        blobs: this.opts.blobs,
        platformsOfUnchanged: false,
        onEvent: this.opts.onEvent,
        signal: this.opts.signal,
      },
    );
    this.seen.add(r.digest);
    addStats(this.done.stats, r.stats);
    if (r.unchanged) this.done.unchanged++;
    else this.done.copied++;
    return r.digest;
  }

  private async apiList(side: ImageEndpoint, digest: string): Promise<Descriptor[] | undefined> {
    const listed = await referrersFromApi(side.client, side.repository, digest, undefined, this.opts.signal);
    apiSupport.set(side.client, listed !== undefined);
    return listed;
  }

  private async targetHasApi(digest: string): Promise<boolean> {
    const known = apiSupport.get(this.dst.client);
    return known ?? (await this.apiList(this.dst, digest)) !== undefined;
  }

  /** The target's fallback index for a subject, or undefined when it has none. */
  private async fallbackAtTarget(tag: string): Promise<Descriptor[] | undefined> {
    const head = await this.dst.client.manifestHead(this.dst.repository, tag, this.opts.signal);
    if (!head) return undefined;
    const m = await this.dst.client.manifestGet(this.dst.repository, tag, this.opts.signal);
    return m.kind === 'index' ? m.body.manifests : undefined;
  }

  /** The referrers tag schema at a target without the API: its index gains the referrers it lacks. */
  private async keepFallbackIndex(subject: string, listed: Descriptor[]): Promise<void> {
    const tag = fallbackTag(subject);
    const theirs = (await this.fallbackAtTarget(tag)) ?? [];
    const missing = listed.filter((d) => !theirs.some((t) => t.digest === d.digest));
    if (missing.length > 0) await this.pushIndex(tag, [...theirs, ...missing]);
  }

  private async pushIndex(tag: string, manifests: Descriptor[]): Promise<void> {
    const body = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests };
    const raw = Buffer.from(JSON.stringify(body));
    await this.dst.client.manifestPut(
      this.dst.repository,
      tag,
      { raw, mediaType: MediaType.OciIndex },
      this.opts.signal,
    );
    this.done.copied++;
  }
}

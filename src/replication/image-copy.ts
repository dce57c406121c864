// Copies one image or index between registries, digest-identical. The copy is a graph walked children first:
// an index's images before the index, an image's blobs before its manifest, so the target never holds a
// manifest whose content is missing, and images finish one by one instead of all at the end.
// Before anything is written, the target reference is checked (plan.ts): already the source's digest → nothing
// to do; another image and override off → TAG_CONFLICT with the target untouched.
import pLimit, { type LimitFunction } from 'p-limit';
import type { RegistryClient } from '../oci/client.js';
import { formatPlatform, type Manifest, manifestBlobs, type Platform } from '../oci/manifest.js';
import { INDEX_TYPES } from '../oci/media-types.js';
import { isValidDigest } from '../oci/reference.js';
import { type BlobEndpoint, type BlobOutcome, copyBlob } from './blob-copy.js';
import type { BlobLedger } from './blob-ledger.js';
import { pushTag, tagConflict } from './conflict.js';
import { type CopyEvent, type CopyListener, type CopyStats, emptyStats } from './copy-events.js';
import { type ImagePlan, planAgainst, selectPlatform } from './plan.js';

export interface ImageEndpoint {
  client: RegistryClient;
  repository: string;
  /** Tag or digest. */
  reference: string;
}

export interface ImageCopyOptions {
  /** Copy only this platform of an index, pushed as a plain image. Default: the whole index. */
  platform?: Platform;
  /** Blobs in flight at once. */
  concurrency?: number;
  chunkSize?: number;
  /**
   * Overwrite a target tag that names another image (default true). False: such a tag fails with TAG_CONFLICT
   * before any blob or manifest is written. A registry refusing the overwrite (immutable tags) is TAG_CONFLICT too.
   */
  override?: boolean;
  /** Blobs shared with the other copies of a run (a sync): each crosses to a target registry once. */
  blobs?: BlobLedger;
  /**
   * Read an unchanged index to list its platforms in the result (default true). A sync passes false, so that
   * re-syncing unchanged images costs two manifest HEADs each and nothing more.
   */
  platformsOfUnchanged?: boolean;
  /** The caller knows the target repository does not exist (target-census.ts): no HEAD of the target reference. */
  targetAbsent?: boolean;
  onEvent?: CopyListener;
  signal?: AbortSignal;
}

export interface ImageCopyResult {
  /** Digest now at the target reference (the source's, byte for byte). */
  digest: string;
  mediaType: string;
  /** `os/arch[/variant]` of each image copied out of an index; empty for a plain image. */
  platforms: string[];
  /** The target reference already named the source's digest: nothing was written. */
  unchanged: boolean;
  stats: CopyStats;
}

const DEFAULT_CONCURRENCY = 4;

/** Copies `src` to `dst`. Blobs the target has are not sent again; within one registry they are mounted. */
export async function copyImage(
  src: ImageEndpoint,
  dst: ImageEndpoint,
  options: ImageCopyOptions = {},
): Promise<ImageCopyResult> {
  // The first failure stops the blobs still in flight instead of letting them run on unobserved.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const opts = { ...options, signal };
  try {
    return await copyGraph(src, dst, opts);
  } catch (err) {
    stop.abort(err);
    throw err;
  }
}

async function copyGraph(src: ImageEndpoint, dst: ImageEndpoint, opts: ImageCopyOptions): Promise<ImageCopyResult> {
  const target = opts.targetAbsent
    ? undefined
    : await dst.client.manifestHead(dst.repository, dst.reference, opts.signal);
  let manifest: Manifest;
  let fromIndex = false;
  if (target) {
    const plan = await planAgainst(src, dst, target, opts);
    if (plan.action === 'skip') return unchanged(src, plan, opts);
    if (plan.action === 'conflict') throw tagConflict(dst, plan.sourceDigest, plan.targetDigest!);
    // By digest: the tag may have moved since the HEAD, and the plan's decision was about this digest.
    manifest = await src.client.manifestGet(src.repository, plan.sourceDigest, opts.signal);
    fromIndex = plan.fromIndex !== undefined;
  } else {
    // Nothing at the target reference, so nothing to decide: the source manifest is read at once, no HEAD first.
    manifest = await src.client.manifestGet(src.repository, src.reference, opts.signal);
  }
  if (manifest.kind === 'index' && opts.platform) {
    const child = selectPlatform(manifest, opts.platform);
    manifest = await src.client.manifestGet(src.repository, child.digest, opts.signal);
    fromIndex = true;
  }
  const platforms = fromIndex && opts.platform ? [formatPlatform(opts.platform)] : platformsOf(manifest);
  const stats = emptyStats();
  // With the target reference absent, the target is not asked whether it has the manifest under its digest: if
  // another tag names it, its blobs are found present one by one and the manifest is pushed again (harmless).
  await new CopyRun(src, dst, opts, stats).copyManifest(manifest, dst.reference, target === undefined);
  return { digest: manifest.digest, mediaType: manifest.mediaType, platforms, unchanged: false, stats };
}

/** The target already names the source's digest: one HEAD on each side settled it. */
async function unchanged(src: ImageEndpoint, plan: ImagePlan, opts: ImageCopyOptions): Promise<ImageCopyResult> {
  const { sourceDigest: digest, sourceMediaType: mediaType } = plan;
  const index = INDEX_TYPES.includes(mediaType) && opts.platformsOfUnchanged !== false;
  const platforms = index ? platformsOf(await src.client.manifestGet(src.repository, digest, opts.signal)) : [];
  return { digest, mediaType, platforms, unchanged: true, stats: emptyStats() };
}

function platformsOf(m: Manifest): string[] {
  return m.kind === 'index' ? m.body.manifests.flatMap((d) => (d.platform ? [formatPlatform(d.platform)] : [])) : [];
}

/** The state of one copy: shared blob limiter, blob de-duplication across an index's images, totals. */
class CopyRun {
  private readonly limit: LimitFunction;
  private readonly blobs = new Map<string, Promise<BlobOutcome>>();
  private readonly from: BlobEndpoint;
  private readonly to: BlobEndpoint;

  constructor(
    private readonly src: ImageEndpoint,
    private readonly dst: ImageEndpoint,
    private readonly opts: ImageCopyOptions,
    private readonly stats: CopyStats,
  ) {
    this.limit = pLimit(opts.concurrency ?? DEFAULT_CONCURRENCY);
    this.from = { client: src.client, repository: src.repository };
    this.to = { client: dst.client, repository: dst.repository };
  }

  /** Pushes `manifest` under `reference` after everything it references is at the target. */
  async copyManifest(manifest: Manifest, reference: string, knownAbsent = false): Promise<void> {
    // A manifest the target already has comes with everything it references: one HEAD settles a re-copy.
    const present = knownAbsent
      ? undefined
      : await this.dst.client.manifestHead(this.dst.repository, manifest.digest, this.opts.signal);
    if (!present) {
      const children =
        manifest.kind === 'index'
          ? manifest.body.manifests.map((d) => this.copyChild(d.digest))
          : manifestBlobs(manifest.body).map((b) => this.copyBlobOnce(b));
      await Promise.all(children);
    }
    if (present && reference === manifest.digest) return;
    if (isValidDigest(reference))
      await this.dst.client.manifestPut(this.dst.repository, reference, manifest, this.opts.signal);
    else await pushTag(this.dst, reference, manifest, this.opts.signal);
    this.stats.manifestsPushed++;
    this.emit({ type: 'manifest-pushed', digest: manifest.digest, mediaType: manifest.mediaType, reference });
  }

  private async copyChild(digest: string): Promise<void> {
    const child = await this.src.client.manifestGet(this.src.repository, digest, this.opts.signal);
    await this.copyManifest(child, digest);
  }

  /** One transfer per digest even when several images of an index share a layer. */
  private copyBlobOnce(blob: Parameters<typeof copyBlob>[2]): Promise<BlobOutcome> {
    let pending = this.blobs.get(blob.digest);
    if (!pending) {
      const ledger = this.opts.blobs;
      const copy = () =>
        ledger
          ? ledger.copy(this.from, this.to, blob, this.blobOptions())
          : copyBlob(this.from, this.to, blob, this.blobOptions());
      pending = this.limit(copy).then((how) => {
        this.count(how, blob.size);
        this.emit({ type: 'blob-done', digest: blob.digest, size: blob.size, how });
        return how;
      });
      this.blobs.set(blob.digest, pending);
    }
    return pending;
  }

  private blobOptions() {
    return { onEvent: this.opts.onEvent, signal: this.opts.signal, chunkSize: this.opts.chunkSize };
  }

  private count(how: BlobOutcome, size: number): void {
    if (how === 'copied') {
      this.stats.blobsCopied++;
      this.stats.bytesCopied += size;
    } else if (how === 'mounted') this.stats.blobsMounted++;
    else this.stats.blobsExisting++;
  }

  private emit(event: CopyEvent): void {
    this.opts.onEvent?.(event);
  }
}

// Copies one image or index between registries, digest-identical. The copy is a graph walked children first:
// an index's images before the index, an image's blobs before its manifest, so the target never holds a
// manifest whose content is missing, and images finish one by one instead of all at the end.
import pLimit, { type LimitFunction } from 'p-limit';
import type { RegistryClient } from '../oci/client.js';
import { RegattaError } from '../oci/errors.js';
import { formatPlatform, type Manifest, manifestBlobs, type Platform, platformMatches } from '../oci/manifest.js';
import { INDEX_TYPES } from '../oci/media-types.js';
import { type BlobEndpoint, type BlobOutcome, copyBlob } from './blob-copy.js';
import { type CopyEvent, type CopyListener, type CopyStats, emptyStats } from './copy-events.js';

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
  onEvent?: CopyListener;
  signal?: AbortSignal;
}

export interface ImageCopyResult {
  /** Digest now at the target reference (the source's, byte for byte). */
  digest: string;
  mediaType: string;
  /** `os/arch[/variant]` of each image copied out of an index; empty for a plain image. */
  platforms: string[];
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
  const unchanged = await alreadyCopied(src, dst, opts);
  if (unchanged) return unchanged;
  const stats = emptyStats();
  const run = new CopyRun(src, dst, opts, stats);
  let manifest = await src.client.manifestGet(src.repository, src.reference, opts.signal);
  let platforms = platformsOf(manifest);
  if (manifest.kind === 'index' && opts.platform) {
    manifest = await run.selectPlatform(manifest, opts.platform);
    platforms = [formatPlatform(opts.platform)];
  }
  await run.copyManifest(manifest, dst.reference);
  return { digest: manifest.digest, mediaType: manifest.mediaType, platforms, stats };
}

/**
 * A tag whose target already names the source's digest needs nothing: one HEAD on each side settles it, which
 * is what a scheduled re-sync of unchanged images costs. (Not with --platform: the target then holds a child.)
 */
async function alreadyCopied(
  src: ImageEndpoint,
  dst: ImageEndpoint,
  opts: ImageCopyOptions,
): Promise<ImageCopyResult | undefined> {
  if (opts.platform) return undefined;
  const [from, to] = await Promise.all([
    src.client.manifestHead(src.repository, src.reference, opts.signal),
    dst.client.manifestHead(dst.repository, dst.reference, opts.signal),
  ]);
  if (!from || !to || from.digest !== to.digest) return undefined;
  const index = INDEX_TYPES.includes(from.mediaType);
  const platforms = index ? platformsOf(await src.client.manifestGet(src.repository, from.digest, opts.signal)) : [];
  return { digest: from.digest, mediaType: from.mediaType, platforms, stats: emptyStats() };
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

  /** The image of an index matching `want`; NO_MATCHING_PLATFORM lists what the index offers. */
  async selectPlatform(index: Manifest & { kind: 'index' }, want: Platform): Promise<Manifest> {
    const child = index.body.manifests.find((d) => platformMatches(d.platform, want));
    if (!child) {
      const offered = index.body.manifests.flatMap((d) => (d.platform ? [formatPlatform(d.platform)] : []));
      throw new RegattaError(
        'NO_MATCHING_PLATFORM',
        `no ${formatPlatform(want)} image in the index (has ${offered.join(', ') || 'none'})`,
      );
    }
    return this.src.client.manifestGet(this.src.repository, child.digest, this.opts.signal);
  }

  /** Pushes `manifest` under `reference` after everything it references is at the target. */
  async copyManifest(manifest: Manifest, reference: string): Promise<void> {
    // A manifest the target already has comes with everything it references: one HEAD settles a re-copy.
    const present = await this.dst.client.manifestHead(this.dst.repository, manifest.digest, this.opts.signal);
    if (!present) {
      const children =
        manifest.kind === 'index'
          ? manifest.body.manifests.map((d) => this.copyChild(d.digest))
          : manifestBlobs(manifest.body).map((b) => this.copyBlobOnce(b));
      await Promise.all(children);
    }
    if (present && reference === manifest.digest) return;
    await this.dst.client.manifestPut(this.dst.repository, reference, manifest, this.opts.signal);
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
      pending = this.limit(() => copyBlob(this.from, this.to, blob, this.blobOptions())).then((how) => {
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

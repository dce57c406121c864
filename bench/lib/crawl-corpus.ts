// The registry bench:crawl crawls: --repos repositories × --tags tags under `crawl/`, built in code and cheap to
// push. Every image is two shared layers (one of three bases and one of two runtimes per architecture, pushed
// once per repository) and its own config (distinct `created`, so every tag has its own digest and config blob:
// what an inventory crawl reads). One tag in ten is a two-platform index (linux/amd64 + linux/arm64/v8, each
// platform with its own config), half the repositories Docker schema2, half OCI. Pushed tag by tag with the test
// harness's raw-API pusher, several at once; only digests are kept, so 10,000 tags need little memory.
import { createCipheriv, createHash } from 'node:crypto';
import pLimit from 'p-limit';
import {
  type BuiltImage,
  type BuiltIndex,
  buildIndex,
  type ImageFormat,
  MEDIA_TYPES,
  type Platform,
  pushBlob,
  pushManifest,
} from '../../test/support/fixtures.js';
import { blobOf, finishImage, imageConfig } from '../../test/support/oci-builder.js';
import type { TestRegistry } from '../../test/support/registry.js';
import { type Layer, makeLayer } from '../../test/support/tar-layer.js';

export const CRAWL_NAMESPACE = 'crawl';
/** One tag in this many is a two-platform index. */
export const INDEX_EVERY = 10;

export interface CrawlTag {
  repository: string;
  tag: string;
  /** The manifest digest the tag names. */
  digest: string;
  index: boolean;
}

export interface CrawlCorpus {
  repositories: string[];
  tags: CrawlTag[];
  indexes: number;
  /** Manifests in the registry (tags plus the platform manifests of the indexes). */
  manifests: number;
}

const AMD64: Platform = { os: 'linux', architecture: 'amd64' };
const ARM64: Platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
const CREATED_BASE_MS = Date.parse('2024-01-01T00:00:00Z');

/** `size` bytes of seeded keystream: incompressible, so the gzip layers keep their size. */
function noise(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

/** The shared layers: built once each, memoised by kind, number and architecture. */
class SharedLayers {
  private readonly built = new Map<string, Promise<Layer>>();

  get(kind: 'base' | 'runtime', n: number, platform: Platform): Promise<Layer> {
    const key = `${kind}-${n}-${platform.architecture}`;
    let layer = this.built.get(key);
    if (!layer) {
      layer = makeLayer({ [`${kind}/${key}.bin`]: noise(key, kind === 'base' ? 32 * 1024 : 8 * 1024) });
      this.built.set(key, layer);
    }
    return layer;
  }

  /** The two layers of an image of repository number `repo`. */
  of(repo: number, platform: Platform): Promise<Layer[]> {
    return Promise.all([this.get('base', repo % 3, platform), this.get('runtime', repo % 2, platform)]);
  }
}

function repositoryName(r: number, repos: number): string {
  return `${CRAWL_NAMESPACE}/app-${String(r).padStart(Math.max(2, String(repos - 1).length), '0')}`;
}

const formatOf = (repo: number): ImageFormat => (repo % 2 === 0 ? 'docker' : 'oci');

/** One image: the repository's shared layers and its own config, created `serial` minutes after 2024-01-01. */
async function buildCrawlImage(layers: SharedLayers, repo: number, serial: number, platform: Platform) {
  const format = formatOf(repo);
  const parts = await layers.of(repo, platform);
  const diffIds = parts.map((l) => `sha256:${createHash('sha256').update(l.tar).digest('hex')}`);
  const created = new Date(CREATED_BASE_MS + serial * 60_000).toISOString();
  const seed = `crawl-${serial}-${platform.architecture}`;
  const config = blobOf(imageConfig({ format, seed, created }, diffIds, platform), MEDIA_TYPES[format].config);
  const blobs = parts.map((l) => blobOf(l.gzip, MEDIA_TYPES[format].layer));
  return finishImage(format, config, blobs, platform);
}

/** Pushes a built image whose layers the repository already has: its config, then its manifest. */
async function pushOwnParts(registry: TestRegistry, repository: string, reference: string, image: BuiltImage) {
  await pushBlob(registry, repository, image.blobs[0]!, undefined);
  await pushManifest(registry, repository, reference, image, undefined);
}

async function pushTag(registry: TestRegistry, repository: string, tag: string, image: BuiltImage | BuiltIndex) {
  if (!('children' in image)) return pushOwnParts(registry, repository, tag, image);
  for (const child of image.children) await pushOwnParts(registry, repository, child.digest, child);
  await pushManifest(registry, repository, tag, image, undefined);
}

/** Pushes every shared layer a repository's images use (both architectures) with a first image of it. */
function repositoryLayers(registry: TestRegistry, layers: SharedLayers) {
  const ready = new Map<string, Promise<void>>();
  return (repository: string, repo: number): Promise<void> => {
    let p = ready.get(repository);
    if (!p) {
      p = (async () => {
        for (const platform of [AMD64, ARM64]) {
          const image = await buildCrawlImage(layers, repo, -1 - repo, platform);
          for (const blob of image.blobs.slice(1)) await pushBlob(registry, repository, blob, undefined);
        }
      })();
      ready.set(repository, p);
    }
    return p;
  };
}

export interface PushOptions {
  repos: number;
  tags: number;
  /** Tags pushed at once. */
  concurrency: number;
  progress: (message: string) => void;
}

/** Builds and pushes the corpus; logs progress about every tenth of it. */
export async function pushCrawlCorpus(registry: TestRegistry, opts: PushOptions): Promise<CrawlCorpus> {
  const layers = new SharedLayers();
  const layersOf = repositoryLayers(registry, layers);
  const limit = pLimit(opts.concurrency);
  const total = opts.repos * opts.tags;
  const step = Math.max(1, Math.ceil(total / 10));
  const started = Date.now();
  const tags: CrawlTag[] = [];
  let done = 0;
  const jobs: Promise<void>[] = [];
  for (let r = 0; r < opts.repos; r++) {
    const repository = repositoryName(r, opts.repos);
    for (let t = 0; t < opts.tags; t++) {
      const serial = r * opts.tags + t;
      const index = serial % INDEX_EVERY === INDEX_EVERY - 1;
      const entry: CrawlTag = { repository, tag: `v1.${t}`, digest: '', index };
      tags.push(entry);
      jobs.push(
        limit(async () => {
          await layersOf(repository, r);
          const amd = await buildCrawlImage(layers, r, serial, AMD64);
          const built = index ? buildIndex([amd, await buildCrawlImage(layers, r, serial, ARM64)], formatOf(r)) : amd;
          await pushTag(registry, repository, entry.tag, built);
          entry.digest = built.digest;
          done++;
          if (done % step === 0 || done === total) {
            const rate = done / ((Date.now() - started) / 1000);
            opts.progress(`  pushed ${done} / ${total} tags (${rate.toFixed(0)} tags/s)`);
          }
        }),
      );
    }
  }
  await Promise.all(jobs);
  const indexes = tags.filter((t) => t.index).length;
  const repositories = [...new Set(tags.map((t) => t.repository))];
  return { repositories, tags, indexes, manifests: tags.length + 2 * indexes };
}

// Layers read once per process, not once per image (issue 14: batch-scan throughput). Images share their base
// layers (a Debian or Alpine layer under hundreds of application images), and reading a layer is most of a scan:
// pulling, decompressing, walking the tar, hashing every file. What a read yields depends only on the layer's bytes
// (named by its digest, checked as they are read: a read that fails is not kept) and on the read policy (which
// files are kept, hashed or searched, and the size caps), so the key is both, and whose the layer is (the registry
// read from: scan.ts), so that no registry gets findings of a layer it merely named. Reads of the same layer at the same
// time share one. Entries are handed out as copies, each with the layer index of the image asking: merging layers
// (filesystem.ts) assigns to entries, and a kept file's bytes are only ever read.
// Bounded by bytes held (kept file contents and an estimate per entry), least recently used first out, like the
// layer caches of Trivy and Grype; 0 turns it off.
import type { FileEntry } from './filesystem.js';

/** Bytes counted per entry besides its contents: the object, its path and hashes. */
const ENTRY_OVERHEAD = 256;

export interface LayerCacheStats {
  hits: number;
  misses: number;
  /** Bytes held now. */
  bytes: number;
  layers: number;
}

export class LayerCache {
  private readonly done = new Map<string, { entries: FileEntry[]; bytes: number }>();
  private readonly reading = new Map<string, Promise<FileEntry[]>>();
  private held = 0;
  private hits = 0;
  private misses = 0;

  constructor(private readonly maxBytes: number) {}

  /**
   * The entries of the layer `key` names, read by `load` unless held or being read; as copies with `layer` set to
   * `index`. A failed read is not kept (the next asks again).
   */
  async entries(key: string, index: number, load: () => Promise<FileEntry[]>): Promise<FileEntry[]> {
    return (await this.shared(key, load)).map((e) => ({ ...e, layer: index }));
  }

  stats(): LayerCacheStats {
    return { hits: this.hits, misses: this.misses, bytes: this.held, layers: this.done.size };
  }

  private shared(key: string, load: () => Promise<FileEntry[]>): Promise<FileEntry[]> {
    const held = this.done.get(key);
    if (held) {
      this.hits++;
      // Most recently used last: the Map keeps insertion order.
      this.done.delete(key);
      this.done.set(key, held);
      return Promise.resolve(held.entries);
    }
    const pending = this.reading.get(key);
    if (pending) {
      this.hits++;
      return pending;
    }
    this.misses++;
    const read = load()
      .then((entries) => {
        this.keep(key, entries);
        return entries;
      })
      .finally(() => this.reading.delete(key));
    this.reading.set(key, read);
    return read;
  }

  private keep(key: string, entries: FileEntry[]): void {
    const bytes = entries.reduce(
      (n, e) => n + ENTRY_OVERHEAD + e.path.length + (e.data?.length ?? 0) + (e.goBuildInfo?.length ?? 0),
      0,
    );
    if (bytes > this.maxBytes) return;
    this.done.set(key, { entries, bytes });
    this.held += bytes;
    for (const [oldest, held] of this.done) {
      if (this.held <= this.maxBytes) break;
      this.done.delete(oldest);
      this.held -= held.bytes;
    }
  }
}

// One layer's tar, streamed: every entry becomes a FileEntry (path normalised, type, size, mode), and a file's
// contents are kept, hashed or searched for Go build info only when the reader's policy asks, within size caps; everything else is skipped
// as it streams past. Nothing is written to disk.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { BuildInfoSniffer } from './catalogers/go-buildinfo.js';
import { decompressInto } from './decompress.js';
import { ScanError } from './errors.js';
import type { EntryType, FileEntry } from './filesystem.js';
import { normalizePath } from './paths.js';

/** What to do with a regular file: keep its bytes, hash them, look for Go build info in them. */
export interface Wants {
  keep: boolean;
  hash: boolean;
  sniffGo?: boolean;
}

export type WantPolicy = (path: string, size: number, mode: number) => Wants;

export interface LayerReadLimits {
  /** Largest tar (decompressed layer) read; past it the layer is a bomb or too big: image_layer_over_sized. */
  maxTarBytes: number;
  /** Largest file whose contents are kept (bigger ones are listed without contents). */
  maxKeptFileBytes: number;
  /** Largest file that is hashed. */
  maxHashedFileBytes: number;
}

const TYPES: Record<string, EntryType> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'link',
};

export async function readLayer(
  layer: Readable,
  index: number,
  want: WantPolicy,
  limits: LayerReadLimits,
): Promise<FileEntry[]> {
  const extract = tar.extract();
  const entries: FileEntry[] = [];
  const consume = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const type = TYPES[h.type ?? 'file'] ?? 'other';
      const e: FileEntry = {
        path: normalizePath(h.name),
        type,
        size: type === 'file' ? (h.size ?? 0) : 0,
        mode: h.mode ?? 0,
        uid: h.uid ?? 0,
        layer: index,
        ...(h.linkname ? { linkname: h.linkname } : {}),
      };
      const wants: Wants = type === 'file' ? want(e.path, e.size, e.mode) : { keep: false, hash: false };
      const keep = wants.keep && e.size <= limits.maxKeptFileBytes;
      const hash = wants.hash && e.size <= limits.maxHashedFileBytes;
      const sniff = wants.sniffGo === true && e.size <= limits.maxHashedFileBytes;
      if (keep || hash || sniff) await readEntry(entry as AsyncIterable<Buffer>, e, { keep, hash, sniff });
      else entry.resume();
      entries.push(e);
    }
  })();
  try {
    await Promise.all([
      decompressInto(layer, extract, { maxBytes: limits.maxTarBytes, what: `layer ${index}` }),
      consume,
    ]);
  } catch (err) {
    // tar-stream's own complaints (a truncated or malformed archive) are a layer that cannot be read.
    if (err instanceof ScanError) throw err;
    throw new ScanError('failed_to_scan_file', `layer ${index} is not a readable tar: ${(err as Error).message}`);
  }
  return entries;
}

async function readEntry(
  stream: AsyncIterable<Buffer>,
  e: FileEntry,
  { keep, hash, sniff }: { keep: boolean; hash: boolean; sniff: boolean },
): Promise<void> {
  const hashes = hash ? { sha256: createHash('sha256'), sha1: createHash('sha1'), md5: createHash('md5') } : undefined;
  const sniffer = sniff ? new BuildInfoSniffer() : undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    if (keep) chunks.push(chunk);
    if (hashes) for (const h of Object.values(hashes)) h.update(chunk);
    sniffer?.push(chunk);
  }
  const buildInfo = sniffer?.result();
  if (buildInfo) e.goBuildInfo = buildInfo;
  if (keep) e.data = Buffer.concat(chunks);
  if (hashes) {
    e.hashes = { sha256: hashes.sha256.digest('hex'), sha1: hashes.sha1.digest('hex'), md5: hashes.md5.digest('hex') };
  }
  if (keep && e.data!.length !== e.size) {
    throw new ScanError(
      'failed_to_scan_file',
      `${e.path}: ${e.data!.length} bytes where the tar header says ${e.size}`,
    );
  }
}

// The merged root filesystem of an image's layers, applied bottom to top with OCI whiteouts: `dir/.wh.name`
// removes `name` (and everything below it) of the lower layers; `dir/.wh..wh..opq` hides every lower-layer child
// of `dir` but keeps what the same layer puts there. Whiteout entries themselves are never part of the result.
// Every entry's metadata is kept (so checks can walk the tree); contents only of the files someone asked for.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/layer.md#whiteouts
import { ScanError } from './errors.js';
import { basename, dirname, resolveLink } from './paths.js';

export type EntryType = 'file' | 'directory' | 'symlink' | 'link' | 'other';

export interface FileEntry {
  path: string;
  type: EntryType;
  size: number;
  mode: number;
  uid: number;
  /** Symlink or hardlink target as written in the tar. */
  linkname?: string;
  /** Index of the layer the entry comes from (0 = the base). */
  layer: number;
  /** The contents, when a reader asked to keep them. */
  data?: Buffer;
  /** sha256, sha1 and md5 of the contents (hex), when a reader asked for hashes. */
  hashes?: { sha256: string; sha1: string; md5: string };
  /** The bytes from a Go binary's build-info magic on, when a reader looked for it. */
  goBuildInfo?: Buffer;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
/** Links followed at most this far: a loop (a → b → a) ends here instead of running forever. */
const MAX_LINK_HOPS = 40;

export class MergedFilesystem {
  private readonly entries = new Map<string, FileEntry>();

  /** Applies one layer's entries (in tar order) over what lies below. */
  applyLayer(layerEntries: FileEntry[]): void {
    const whiteouts: string[] = [];
    const opaque: string[] = [];
    const added: FileEntry[] = [];
    for (const e of layerEntries) {
      const name = basename(e.path);
      if (name === OPAQUE) opaque.push(dirname(e.path));
      else if (name.startsWith(WHITEOUT)) whiteouts.push(joinPath(dirname(e.path), name.slice(WHITEOUT.length)));
      else added.push(e);
    }
    for (const dir of opaque) this.removeBelow(dir);
    for (const path of whiteouts) {
      this.entries.delete(path);
      this.removeBelow(path);
    }
    for (const e of added) {
      // A hardlink shares the contents of a file seen before (in this layer or one below).
      if (e.type === 'link' && e.linkname !== undefined) {
        const target = this.entries.get(resolveLink('', e.linkname));
        if (target)
          Object.assign(e, {
            size: target.size,
            data: target.data,
            hashes: target.hashes,
            goBuildInfo: target.goBuildInfo,
          });
      }
      this.entries.set(e.path, e);
    }
  }

  private removeBelow(dir: string): void {
    const prefix = dir === '' ? '' : `${dir}/`;
    for (const path of this.entries.keys()) if (path.startsWith(prefix) && path !== dir) this.entries.delete(path);
  }

  /** The entry at `path`, following symlinks (and hardlinks) to what they name; undefined if absent. */
  resolve(path: string): FileEntry | undefined {
    let current = path;
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const e = this.entries.get(current);
      if (e?.type !== 'symlink' || e.linkname === undefined) return e;
      current = safeResolve(current, e.linkname);
    }
    throw new ScanError('failed_to_scan_file', `symlinks from ${path} loop (more than ${MAX_LINK_HOPS} hops)`);
  }

  get(path: string): FileEntry | undefined {
    return this.entries.get(path);
  }

  *[Symbol.iterator](): IterableIterator<FileEntry> {
    yield* this.entries.values();
  }

  get size(): number {
    return this.entries.size;
  }
}

function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/** A symlink target resolved from `from`; a target above the root stays at the root, as the kernel does. */
function safeResolve(from: string, target: string): string {
  const parts: string[] = [];
  const start = target.startsWith('/') ? [] : dirname(from).split('/').filter(Boolean);
  for (const part of [...start, ...target.split('/')]) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

// In-memory image layers: a tar (tar-stream) of the given files with fixed metadata, so the same files always
// give the same bytes, and its gzip. Parent directories get their own entries, as real layers have.
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

const MTIME = new Date('2024-01-01T00:00:00Z');

export interface Layer {
  /** The uncompressed tar; its sha256 is the config's diff_id. */
  tar: Buffer;
  /** The gzip of `tar`: the blob pushed to registries. */
  gzip: Buffer;
}

function parentDirs(paths: string[]): string[] {
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(`${parts.slice(0, i).join('/')}/`);
  }
  return [...dirs].sort();
}

/** A tar of `files` (path → content; leading '/' dropped), entries sorted by path. */
export async function makeTar(files: Record<string, string | Buffer>): Promise<Buffer> {
  const entries = Object.entries(files)
    .map(([path, content]) => [path.replace(/^\/+/, ''), Buffer.from(content)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of tar) chunks.push(chunk as Buffer); // streamx types say unknown
  })();
  for (const dir of parentDirs(entries.map(([path]) => path))) {
    tar.entry({ name: dir, type: 'directory', mode: 0o755, mtime: MTIME, uid: 0, gid: 0 });
  }
  for (const [name, content] of entries) {
    tar.entry({ name, type: 'file', mode: 0o644, mtime: MTIME, uid: 0, gid: 0, size: content.length }, content);
  }
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

export async function makeLayer(files: Record<string, string | Buffer>): Promise<Layer> {
  const tar = await makeTar(files);
  return { tar, gzip: gzipSync(tar, { level: 6 }) };
}

// Images with hand-made layers for scanner tests, without src/: each layer a list of tar entries (files with
// modes, directories, symlinks, hardlinks, whiteouts), compressed with gzip, zstd (Debian's zstd tool) or not at
// all, and an image config with the runtime settings the checks read (User, Env, ExposedPorts, history).
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { sha256Hex } from './digest.js';
import { type BuiltImage, blobOf, finishImage, MEDIA_TYPES } from './oci-builder.js';

export interface TarEntrySpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: string | Buffer;
  mode?: number;
  linkname?: string;
  uid?: number;
}

export type Compression = 'gzip' | 'zstd' | 'none';

export interface LayerSpec {
  entries: TarEntrySpec[];
  compression?: Compression;
}

export interface ConfigSpec {
  User?: string;
  Env?: string[];
  ExposedPorts?: Record<string, object>;
  /** created_by of each history entry (one per layer is not required). */
  history?: string[];
}

const MTIME = new Date('2024-01-01T00:00:00Z');

/** A tar of the entries in the order given (so a test decides where whiteouts stand). */
export async function tarOf(entries: TarEntrySpec[]): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of tar) chunks.push(chunk as Buffer);
  })();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const content = type === 'file' ? Buffer.from(e.content ?? '') : undefined;
    const header = {
      name: e.name,
      type,
      mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      mtime: MTIME,
      uid: e.uid ?? 0,
      gid: 0,
      ...(content ? { size: content.length } : {}),
      ...(e.linkname ? { linkname: e.linkname } : {}),
    };
    if (content) tar.entry(header, content);
    else tar.entry(header);
  }
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

export function compress(tar: Buffer, kind: Compression): Buffer {
  if (kind === 'gzip') return gzipSync(tar);
  if (kind === 'none') return tar;
  const r = spawnSync('zstd', ['-q', '-c', '-3'], { input: tar, maxBuffer: 1024 ** 3 });
  if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr}`);
  return r.stdout;
}

const LAYER_TYPES: Record<Compression, string> = {
  gzip: MEDIA_TYPES.oci.layer,
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: MEDIA_TYPES.oci.layerTar,
};

export async function buildLayeredImage(layers: LayerSpec[], config: ConfigSpec = {}): Promise<BuiltImage> {
  const tars = await Promise.all(layers.map((l) => tarOf(l.entries)));
  const blobs = tars.map((tar, i) => {
    const kind = layers[i]!.compression ?? 'gzip';
    return blobOf(compress(tar, kind), LAYER_TYPES[kind]);
  });
  const platform = { os: 'linux', architecture: 'amd64' };
  const body = {
    created: '2024-01-01T00:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config: {
      User: config.User ?? '',
      Env: config.Env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ...(config.ExposedPorts ? { ExposedPorts: config.ExposedPorts } : {}),
    },
    rootfs: { type: 'layers', diff_ids: tars.map((t) => sha256Hex(t)) },
    history: (config.history ?? tars.map((_, i) => `layer ${i}`)).map((created_by) => ({ created_by })),
  };
  const configBlob = blobOf(Buffer.from(JSON.stringify(body)), MEDIA_TYPES.oci.config);
  return finishImage('oci', configBlob, blobs, platform);
}

// Go binaries: the build information the Go linker embeds (Go 1.18+, `runtime/debug.BuildInfo`), found by its
// magic while the file streams past and parsed here: a 32-byte header "\xff Go buildinf:", pointer size, flags
// (bit 2: strings inline); then the Go version and the module info as varint-length-prefixed strings. The module
// info holds `path`, `mod` (the main module), `dep` (each dependency: path, version, sum) and `=>` (a replacement
// of the line before). Older binaries (pointer format) are not read.
// https://github.com/golang/go/blob/master/src/debug/buildinfo/buildinfo.go, src/runtime/debug/mod.go
import type { MergedFilesystem } from '../filesystem.js';
import type { Cataloger, Package } from './types.js';

export const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
/** Bytes kept after the magic: the header, the version and the module info of large programs. */
export const BUILDINFO_CAPTURE = 256 * 1024;

export interface GoBuildInfo {
  goVersion: string;
  main?: { path: string; version: string };
  deps: Array<{ path: string; version: string }>;
}

/** Reads an unsigned varint (encoding/binary.Uvarint) at `offset`: [value, bytes used], or undefined. */
function uvarint(buf: Buffer, offset: number): [number, number] | undefined {
  let x = 0;
  let shift = 0;
  for (let i = 0; i < 10 && offset + i < buf.length; i++) {
    const b = buf[offset + i]!;
    x += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [x, i + 1];
    shift += 7;
  }
  return undefined;
}

/** Parses captured bytes starting at the magic; undefined for the old pointer format or a malformed blob. */
export function parseBuildInfo(blob: Buffer): GoBuildInfo | undefined {
  if (blob.length < 33 || !blob.subarray(0, 14).equals(BUILDINFO_MAGIC)) return undefined;
  const flags = blob[15]!;
  if ((flags & 0x2) === 0) return undefined;
  let offset = 32;
  const strings: string[] = [];
  for (let i = 0; i < 2; i++) {
    const n = uvarint(blob, offset);
    if (!n || offset + n[1] + n[0] > blob.length) return undefined;
    strings.push(blob.subarray(offset + n[1], offset + n[1] + n[0]).toString('utf8'));
    offset += n[1] + n[0];
  }
  const [goVersion, rawModinfo] = strings as [string, string];
  // The module info is framed by 16-byte sentinels; the text between them is what matters.
  const modinfo = rawModinfo.length >= 33 ? rawModinfo.slice(16, -16) : rawModinfo;
  const info: GoBuildInfo = { goVersion, deps: [] };
  for (const line of modinfo.split('\n')) {
    const [kind, path, version] = line.split('\t');
    if (kind === 'mod' && path && version) info.main = { path, version };
    else if (kind === 'dep' && path && version) info.deps.push({ path, version });
    else if (kind === '=>' && path && version && info.deps.length) info.deps[info.deps.length - 1] = { path, version };
  }
  return info;
}

/** `go1.21.3` → `1.21.3`; `go1.22rc1` → `1.22.0-rc.1` (how OSV writes stdlib versions). */
export function stdlibVersion(goVersion: string): string | undefined {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?/.exec(goVersion);
  if (!m) return undefined;
  const base = `${m[1]}.${m[2]}.${m[3] ?? '0'}`;
  return m[4] ? `${base}-${m[4]}.${m[5]}` : base;
}

/** Packages of every Go binary whose build info a layer reader captured. */
export function catalogGoBinaries(fs: MergedFilesystem): Package[] {
  const found: Package[] = [];
  for (const e of fs) {
    if (!e.goBuildInfo) continue;
    const info = parseBuildInfo(e.goBuildInfo);
    if (!info) continue;
    const at = { path: e.path, layer: e.layer };
    const std = stdlibVersion(info.goVersion);
    if (std) found.push({ type: 'go', name: 'stdlib', version: std, ...at });
    if (info.main && info.main.version !== '(devel)')
      found.push({ type: 'go', name: info.main.path, version: info.main.version, ...at });
    for (const d of info.deps) found.push({ type: 'go', name: d.path, version: d.version, ...at });
  }
  return found;
}

/** Watches a file's bytes for the build-info magic and captures what follows it (chunk boundaries included). */
export class BuildInfoSniffer {
  private tail = Buffer.alloc(0);
  private captured: Buffer[] | undefined;
  private capturedBytes = 0;

  push(chunk: Buffer): void {
    if (this.captured) {
      this.take(chunk);
      return;
    }
    const window = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const at = window.indexOf(BUILDINFO_MAGIC);
    if (at >= 0) {
      this.captured = [];
      this.take(window.subarray(at));
    } else {
      this.tail = Buffer.from(window.subarray(Math.max(0, window.length - BUILDINFO_MAGIC.length + 1)));
    }
  }

  private take(bytes: Buffer): void {
    const room = BUILDINFO_CAPTURE - this.capturedBytes;
    if (room <= 0) return;
    const part = bytes.subarray(0, room);
    this.captured!.push(Buffer.from(part));
    this.capturedBytes += part.length;
  }

  /** The bytes from the magic on, when it was seen. */
  result(): Buffer | undefined {
    return this.captured ? Buffer.concat(this.captured) : undefined;
  }
}

/** Go binaries are searched as they stream past (`sniffGo`), not kept: nothing to keep here. */
export const goCataloger: Cataloger = {
  wants: () => false,
  catalog: (fs) => catalogGoBinaries(fs),
};

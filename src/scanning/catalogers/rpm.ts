// RPM packages from the rpm database, under `var/lib/rpm/` or `usr/lib/sysimage/rpm/`: `rpmdb.sqlite` (RHEL 9,
// Fedora 33+, UBI 9), read with sql.js (SQLite compiled to WebAssembly: no native build), or the BerkeleyDB hash
// file `Packages` (RHEL ≤ 8, CentOS 7; rpm-bdb.ts), or SUSE's `Packages.db` (rpm-ndb.ts). Each row or value is an RPM header without its magic: index
// count and data length (big-endian int32), 16-byte index entries (tag, type, offset, count), then the data. Tags
// read: NAME 1000, VERSION 1001, RELEASE 1002, EPOCH 1003, SOURCERPM 1044.
// https://rpm-software-management.github.io/rpm/manual/format_v4.html (header structure)
import type { MergedFilesystem } from '../filesystem.js';
import { bdbHashValues } from './rpm-bdb.js';
import { ndbBlobs } from './rpm-ndb.js';
import type { Cataloger, Package } from './types.js';

const RPMDB_SQLITE = /^(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/rpmdb\.sqlite$/;
const RPMDB_BDB = /^(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/Packages$/;
const RPMDB_NDB = /^(?:var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/Packages\.db$/;
const TAGS = { name: 1000, version: 1001, release: 1002, epoch: 1003, sourcerpm: 1044 } as const;
const TYPE_INT32 = 4;
const TYPE_STRING = 6;

export const rpmCataloger: Cataloger = {
  wants: (path) => RPMDB_SQLITE.test(path) || RPMDB_BDB.test(path) || RPMDB_NDB.test(path),
  catalog: (fs) => catalogRpm(fs),
};

/** The tags this cataloger reads from one header blob; undefined when the blob is not a header. */
export function parseRpmHeader(
  blob: Uint8Array,
): { name?: string; version?: string; release?: string; epoch?: number; sourcerpm?: string } | undefined {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (b.length < 8) return undefined;
  const il = b.readUInt32BE(0);
  const dl = b.readUInt32BE(4);
  const dataStart = 8 + il * 16;
  if (il > 100_000 || dataStart + dl > b.length) return undefined;
  const out: Record<string, string | number> = {};
  for (let i = 0; i < il; i++) {
    const at = 8 + i * 16;
    const tag = b.readUInt32BE(at);
    const type = b.readUInt32BE(at + 4);
    const offset = b.readUInt32BE(at + 8);
    const key = (Object.keys(TAGS) as Array<keyof typeof TAGS>).find((k) => TAGS[k] === tag);
    if (!key || offset >= dl) continue;
    const start = dataStart + offset;
    if (type === TYPE_STRING) {
      const end = b.indexOf(0, start);
      out[key] = b.toString('utf8', start, end < 0 || end > dataStart + dl ? dataStart + dl : end);
    } else if (type === TYPE_INT32 && start + 4 <= b.length) {
      out[key] = b.readUInt32BE(start);
    }
  }
  return out;
}

/** `openssl-3.0.7-24.el9.src.rpm` → `openssl`. */
function sourceName(sourcerpm: string): string {
  return sourcerpm.replace(/\.src\.rpm$/, '').replace(/-[^-]+-[^-]+$/, '');
}

/** The package a header describes; undefined for gpg-pubkey pseudo-packages (keys, not software) and non-headers. */
function packageOf(blob: Uint8Array, path: string, layer: number): Package | undefined {
  const h = parseRpmHeader(blob);
  if (!h?.name || !h.version || h.name === 'gpg-pubkey') return undefined;
  const version = `${h.epoch ? `${h.epoch}:` : ''}${h.version}${h.release ? `-${h.release}` : ''}`;
  return {
    type: 'rpm',
    name: h.name,
    version,
    ...(h.sourcerpm ? { source: { name: sourceName(h.sourcerpm), version } } : {}),
    path,
    layer,
  };
}

export async function catalogRpm(fs: MergedFilesystem): Promise<Package[]> {
  const found: Package[] = [];
  for (const e of fs) {
    if (!e.data) continue;
    const values = RPMDB_BDB.test(e.path)
      ? bdbHashValues(e.data)
      : RPMDB_NDB.test(e.path)
        ? ndbBlobs(e.data)
        : undefined;
    if (values) {
      for (const value of values) {
        const pkg = packageOf(value, e.path, e.layer);
        if (pkg) found.push(pkg);
      }
      continue;
    }
    if (!RPMDB_SQLITE.test(e.path)) continue;
    // Loaded only for images that have an rpm database: the WebAssembly module is 1 MB.
    const SQL = await (await import('sql.js')).default();
    let db: InstanceType<typeof SQL.Database> | undefined;
    try {
      db = new SQL.Database(e.data);
      for (const [blob] of db.exec('SELECT blob FROM Packages')[0]?.values ?? []) {
        const pkg = blob instanceof Uint8Array ? packageOf(blob, e.path, e.layer) : undefined;
        if (pkg) found.push(pkg);
      }
    } catch {
      // Not an rpm database after all: nothing to report from it.
    } finally {
      db?.close();
    }
  }
  return found;
}

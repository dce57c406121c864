// The BerkeleyDB hash database rpm used before 4.16 (`var/lib/rpm/Packages`: RHEL ≤ 8, CentOS 7, Amazon Linux 2):
// every value is one package's header. Read without BerkeleyDB: page 0 is the hash metadata (magic 0x061561 in the
// file's byte order, page size at offset 20, last page number at 32); hash pages (type 13, or 2 unsorted) hold
// key/data items found through the offset array after the 26-byte page header; a data item is inline (H_KEYDATA,
// type 1) or on a chain of overflow pages (H_OFFPAGE, type 3: first page and total length), whose pages (type 7)
// carry their used length in the header's free-offset field and link by next page number.
// https://github.com/berkeleydb/libdb/blob/master/src/dbinc/db_page.h (page and item layout)

const HASH_MAGIC = 0x061561;
const P_HASH_UNSORTED = 2;
const P_HASH = 13;
const P_OVERFLOW = 7;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;
const PAGE_HEADER = 26;

/** The values (package headers) of a BerkeleyDB hash file; undefined when it is not one. */
export function bdbHashValues(file: Buffer): Buffer[] | undefined {
  if (file.length < 512) return undefined;
  const le = file.readUInt32LE(12) === HASH_MAGIC;
  if (!le && file.readUInt32BE(12) !== HASH_MAGIC) return undefined;
  const u32 = (at: number) => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const u16 = (at: number) => (le ? file.readUInt16LE(at) : file.readUInt16BE(at));
  const pageSize = u32(20);
  const lastPage = u32(32);
  if (pageSize < 512 || pageSize > 65536 || (lastPage + 1) * pageSize > file.length) return undefined;
  const values: Buffer[] = [];
  for (let p = 1; p <= lastPage; p++) {
    const base = p * pageSize;
    const type = file[base + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    const entries = u16(base + 20);
    // Items alternate key, data; each one ends where the item before it (in the offset array) begins.
    for (let i = 1; i < entries; i += 2) {
      const offset = u16(base + PAGE_HEADER + i * 2);
      const end = u16(base + PAGE_HEADER + (i - 1) * 2);
      const item = base + offset;
      if (file[item] === H_KEYDATA) values.push(file.subarray(item + 1, base + end));
      else if (file[item] === H_OFFPAGE) {
        const value = overflow(file, pageSize, u32(item + 4), u32(item + 8), u16, u32);
        if (value) values.push(value);
      }
    }
  }
  return values;
}

function overflow(
  file: Buffer,
  pageSize: number,
  first: number,
  total: number,
  u16: (at: number) => number,
  u32: (at: number) => number,
): Buffer | undefined {
  const parts: Buffer[] = [];
  let length = 0;
  const seen = new Set<number>();
  for (let p = first; p !== 0 && length < total; ) {
    const base = p * pageSize;
    // A chain that loops or leaves the file is corrupt.
    if (seen.has(p) || base + pageSize > file.length || file[base + 25] !== P_OVERFLOW) return undefined;
    seen.add(p);
    const used = u16(base + 22);
    parts.push(file.subarray(base + PAGE_HEADER, base + PAGE_HEADER + used));
    length += used;
    p = u32(base + 16);
  }
  return length === total ? Buffer.concat(parts) : undefined;
}

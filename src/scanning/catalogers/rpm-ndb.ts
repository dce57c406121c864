// SUSE's rpm database (`usr/lib/sysimage/rpm/Packages.db`, rpm's "ndb" backend), read as rpm's
// lib/backend/ndb/rpmpkg.c lays it out, all little-endian: a 32-byte header (magic "RpmP", version 0, generation,
// slot page count), then 4096-byte slot pages of 16-byte slots (magic "Slot", package index, block offset, block
// count; offset 0 = empty); each package a blob at `block offset × 16`: magic "BlbS", package index, timestamp,
// length, then the header itself.

const PKGDB_MAGIC = 0x506d7052; // "RpmP"
const SLOT_MAGIC = 0x746f6c53; // "Slot"
const BLOB_MAGIC = 0x53626c42; // "BlbS"
const PAGE_SIZE = 4096;
const SLOT_SIZE = 16;
const BLK_SIZE = 16;
const HEADER_SIZE = 32;

/** The package headers of an NDB file; undefined when it is not one. */
export function ndbBlobs(file: Buffer): Buffer[] | undefined {
  if (file.length < HEADER_SIZE || file.readUInt32LE(0) !== PKGDB_MAGIC || file.readUInt32LE(4) !== 0) return undefined;
  const slotPages = file.readUInt32LE(12);
  if (slotPages === 0 || slotPages * PAGE_SIZE > file.length) return undefined;
  const blobs: Buffer[] = [];
  for (let at = HEADER_SIZE; at + SLOT_SIZE <= slotPages * PAGE_SIZE; at += SLOT_SIZE) {
    if (file.readUInt32LE(at) !== SLOT_MAGIC) return undefined;
    const pkgIdx = file.readUInt32LE(at + 4);
    const blkOff = file.readUInt32LE(at + 8);
    const blkCnt = file.readUInt32LE(at + 12);
    if (blkOff === 0) continue;
    const start = blkOff * BLK_SIZE;
    if ((blkOff + blkCnt) * BLK_SIZE > file.length || file.readUInt32LE(start) !== BLOB_MAGIC) continue;
    if (file.readUInt32LE(start + 4) !== pkgIdx) continue;
    const length = file.readUInt32LE(start + 12);
    if (start + 16 + length > file.length) continue;
    blobs.push(file.subarray(start + 16, start + 16 + length));
  }
  return blobs;
}

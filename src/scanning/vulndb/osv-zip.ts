// OSV records in a zip archive (osv.dev publishes one per ecosystem, `<Ecosystem>/all.zip`: one record per
// `.json` entry). Entries are read one at a time and each is bounded, so a large archive never sits in memory.
// A zip that lies about an entry's size, names a path outside itself (`../`) or is cut short is bad input
// (VULNDB_INVALID), never an internal error: yauzl checks names and sizes as it reads.
import { inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { RegattaError } from '../../errors.js';
import { readBounded } from '../../oci/response.js';

/** An OSV record is a small document; an entry larger than this is not one. */
const MAX_RECORD_BYTES = 8 * 1024 * 1024;
const IN_FLIGHT = 16;

/** Calls `onRecord` with the text of every `.json` entry of the zip at `path`; resolves with the count. */
export async function readOsvZip(path: string, onRecord: (json: string) => void): Promise<number> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: true, strictFileNames: true });
  } catch (err) {
    throw new RegattaError('VULNDB_INVALID', `${path} is not a readable zip: ${(err as Error).message}`);
  }
  let count = 0;
  await new Promise<void>((resolve, reject) => {
    let inFlight = 0;
    let waiting = false;
    let ended = false;
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      zip.close();
      reject(new RegattaError('VULNDB_INVALID', `${path}: ${(err as Error).message}`));
    };
    // Up to IN_FLIGHT entries are read at once: one at a time, an export of 60,000 records spends its time
    // waiting on each entry's read, not parsing.
    const more = () => {
      if (failed || ended) return;
      if (inFlight < IN_FLIGHT) zip.readEntry();
      else waiting = true;
    };
    const done = () => {
      inFlight--;
      if (waiting) {
        waiting = false;
        more();
      }
      if (ended && inFlight === 0 && !failed) resolve();
    };
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('.json') || entry.uncompressedSize > MAX_RECORD_BYTES) return more();
      inFlight++;
      // The compressed bytes, inflated in one call (records are small); sizes are checked against the directory.
      zip
        .openReadStreamPromise(entry, entry.compressionMethod === 8 ? { decompress: false } : {})
        .then((stream) => readBounded(stream, MAX_RECORD_BYTES, entry.fileName))
        .then((raw) => {
          onRecord(inflated(entry, raw).toString('utf8'));
          count++;
          done();
        })
        .catch(fail);
      more();
    });
    zip.on('end', () => {
      ended = true;
      if (inFlight === 0 && !failed) resolve();
    });
    zip.on('error', fail);
    zip.readEntry();
  });
  return count;
}

/** An entry's bytes from its stored or deflated form, refused when they are not the size the directory says. */
function inflated(entry: yauzl.Entry, raw: Buffer): Buffer {
  // Stored entries come through yauzl as they are (it checks their size); deflated ones are inflated here.
  const bytes = entry.compressionMethod === 8 ? inflateRawSync(raw, { maxOutputLength: MAX_RECORD_BYTES }) : raw;
  if (bytes.length !== entry.uncompressedSize) {
    throw new Error(`${entry.fileName}: ${bytes.length} bytes where the zip directory says ${entry.uncompressedSize}`);
  }
  return bytes;
}

// OSV records in a zip archive (osv.dev publishes one per ecosystem, `<Ecosystem>/all.zip`: one record per
// `.json` entry). Entries are read one at a time and each is bounded, so a large archive never sits in memory.
// A zip that lies about an entry's size, names a path outside itself (`../`) or is cut short is bad input
// (VULNDB_INVALID), never an internal error: yauzl checks names and sizes as it reads.
import yauzl from 'yauzl';
import { RegattaError } from '../../errors.js';
import { readBounded } from '../../oci/response.js';

/** An OSV record is a small document; an entry larger than this is not one. */
const MAX_RECORD_BYTES = 8 * 1024 * 1024;

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
    const fail = (err: unknown) => {
      zip.close();
      reject(new RegattaError('VULNDB_INVALID', `${path}: ${(err as Error).message}`));
    };
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('.json') || entry.uncompressedSize > MAX_RECORD_BYTES) {
        zip.readEntry();
        return;
      }
      zip
        .openReadStreamPromise(entry)
        .then((stream) => readBounded(stream, MAX_RECORD_BYTES, entry.fileName))
        .then((bytes) => {
          onRecord(bytes.toString('utf8'));
          count++;
          zip.readEntry();
        })
        .catch(fail);
    });
    zip.on('end', () => resolve());
    zip.on('error', fail);
    zip.readEntry();
  });
  return count;
}

// What scans match against, loaded from one folder laid out like ../shared/vulndb (REGATTA_VULNDB or
// `--vulndb`): `osv/` (OSV advisories, any depth) and `malware/` (hash lists). A missing part is empty, not an
// error: an image can still be catalogued and checked for settings and secrets.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HashList, loadHashLists } from './malware.js';
import { AdvisoryDb, loadOsvFolder } from './vulndb/osv.js';

export interface ScanDatabases {
  advisories: AdvisoryDb;
  hashes: HashList;
  /** Identifies the content: a result made with another version is re-evaluated. */
  version: string;
  /** Files that were not readable OSV records. */
  skipped: number;
}

export async function loadScanDatabases(dir: string | undefined): Promise<ScanDatabases> {
  const advisories = new AdvisoryDb();
  let skipped = 0;
  const hashes = new HashList();
  if (dir && existsSync(join(dir, 'osv'))) skipped = (await loadOsvFolder(join(dir, 'osv'), advisories)).skipped;
  if (dir && existsSync(join(dir, 'malware'))) await loadHashLists(join(dir, 'malware'), hashes);
  return { advisories, hashes, version: `${advisories.version}+hashes-${hashes.size}`, skipped };
}

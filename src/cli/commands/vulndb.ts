// `regatta vulndb import PATH`: adds OSV advisories (a `.json` record, a `.zip` of records as osv.dev publishes
// them, or a folder of either) to the advisory folder scans read (REGATTA_VULNDB, else <data dir>/vulndb).
// The source is checked first (it must hold OSV records); a running server sees the change at its next scan and,
// the database version having changed, scans again what it had scanned before.
import { cp, mkdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { RegattaError } from '../../errors.js';
import { loadScanDatabases } from '../../scanning/databases.js';
import { AdvisoryDb, loadOsvFolder } from '../../scanning/vulndb/osv.js';
import { readOsvZip } from '../../scanning/vulndb/osv-zip.js';
import { print } from '../output.js';

interface ImportFlags {
  into?: string;
  dataDir?: string;
  json?: boolean;
}

/** The advisory folder of this machine: REGATTA_VULNDB, else `<data dir>/vulndb`. */
export function defaultVulndb(dataDir = process.env.REGATTA_DATA_DIR ?? './regatta-data'): string {
  return process.env.REGATTA_VULNDB || join(dataDir, 'vulndb');
}

export function registerVulndb(program: Command): void {
  const vulndb = program.command('vulndb').description('the advisory database scans match against');
  vulndb
    .command('import')
    .description('add OSV advisories (a .json record, a .zip of records, or a folder of them)')
    .argument('<path>')
    .option('--into <dir>', 'the advisory folder (default REGATTA_VULNDB, else <data dir>/vulndb)')
    .option('--data-dir <dir>', 'data dir whose vulndb/ folder to use')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  regatta vulndb import ./Debian-all.zip\n  regatta vulndb import --into /srv/vulndb ./osv-records/',
    )
    .action(async (path: string, flags: ImportFlags) => {
      const into = resolve(flags.into ?? defaultVulndb(flags.dataDir));
      const source = resolve(path);
      const kind = await kindOf(source);
      const records = await countRecords(source, kind);
      if (records === 0) throw new RegattaError('VULNDB_EMPTY', `${path} holds no OSV records`);
      const dest = join(into, 'osv', kind === 'json' ? join('imported', basename(source)) : basename(source));
      await mkdir(join(into, 'osv', 'imported'), { recursive: true });
      await cp(source, dest, { recursive: true, force: true });
      const dbs = await loadScanDatabases(into);
      const out = { imported: records, into, records: dbs.advisories.records, version: dbs.version };
      print(
        flags,
        out,
        () => `imported ${records} records into ${into}: ${out.records} in all, version ${out.version}`,
      );
    });
}

async function kindOf(path: string): Promise<'dir' | 'zip' | 'json'> {
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new RegattaError('USAGE', `${path} does not exist`);
  if (s.isDirectory()) return 'dir';
  if (path.endsWith('.zip')) return 'zip';
  if (path.endsWith('.json')) return 'json';
  throw new RegattaError('USAGE', `${path}: give a .json record, a .zip of records or a folder`);
}

async function countRecords(path: string, kind: 'dir' | 'zip' | 'json'): Promise<number> {
  const db = new AdvisoryDb();
  if (kind === 'dir') await loadOsvFolder(path, db);
  else if (kind === 'zip') await readOsvZip(path, (text) => addQuietly(db, text));
  else {
    const { readFile } = await import('node:fs/promises');
    addQuietly(db, await readFile(path, 'utf8'));
  }
  return db.records;
}

function addQuietly(db: AdvisoryDb, text: string): void {
  try {
    db.add(JSON.parse(text));
  } catch {
    // not a record: not counted
  }
}

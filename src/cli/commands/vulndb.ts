// `regatta vulndb update` brings the feeds (OSV's per-ecosystem exports, extra malware lists and secret rules)
// up to date in the advisory folder scans read (REGATTA_VULNDB, else <data dir>/vulndb); `vulndb status` says
// what that folder holds and how old it is; `vulndb import PATH` adds OSV advisories by hand (a `.json` record,
// a `.zip` of records as osv.dev publishes them, or a folder of either). A running server sees any change at its
// next scan and, the database version having changed, scans again what it had scanned before.
import { cp, mkdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../app/config.js';
import { RegattaError } from '../../errors.js';
import { loadScanDatabases } from '../../scanning/databases.js';
import { feedSources } from '../../scanning/feeds/sources.js';
import { type FeedProgress, updateFeeds } from '../../scanning/feeds/update.js';
import { AdvisoryDb, loadOsvFolder } from '../../scanning/vulndb/osv.js';
import { readOsvZip } from '../../scanning/vulndb/osv-zip.js';
import { formatBytes, print, ReportedError } from '../output.js';

interface ImportFlags {
  into?: string;
  dataDir?: string;
  json?: boolean;
}

/** The advisory folder of this machine: REGATTA_VULNDB, else `<data dir>/vulndb` (as the server reads it). */
export function defaultVulndb(dataDir?: string): string {
  return loadConfig(process.env, { dataDir }).workers.vulndb;
}

export function registerVulndb(program: Command): void {
  const vulndb = program.command('vulndb').description('the advisory database scans match against');
  registerUpdate(vulndb);
  registerStatus(vulndb);
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

interface UpdateFlags {
  into?: string;
  dataDir?: string;
  url?: string;
  ecosystems?: string;
  malware?: string[];
  rules?: string[];
  json?: boolean;
}

function registerUpdate(vulndb: Command): void {
  vulndb
    .command('update')
    .description("download or refresh the advisory feeds (OSV's exports, malware lists, secret rules)")
    .option('--into <dir>', 'the advisory folder (default REGATTA_VULNDB, else <data dir>/vulndb)')
    .option('--data-dir <dir>', 'data dir whose vulndb/ folder to use')
    .option('--url <base>', "OSV base: a mirror's URL or a local folder (REGATTA_VULNDB_URL; default OSV's bucket)")
    .option('--ecosystems <list>', 'comma-separated OSV ecosystems (REGATTA_VULNDB_ECOSYSTEMS)')
    .option('--malware <source...>', 'hash lists: URLs, files or folders (REGATTA_MALWARE_FEEDS)')
    .option('--rules <source...>', 'gitleaks rule files: URLs, files or folders (REGATTA_SECRET_RULE_FEEDS)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  regatta vulndb update\n  regatta vulndb update --url https://osv-mirror.internal/osv --ecosystems Debian,npm\n  regatta vulndb update --url /media/usb/osv   # air-gapped: a folder with <Ecosystem>/all.zip',
    )
    .action(async (flags: UpdateFlags) => {
      const into = resolve(flags.into ?? defaultVulndb(flags.dataDir));
      const config = { ...loadConfig(process.env, { dataDir: flags.dataDir }).workers.feeds };
      if (flags.url) config.osvBase = flags.url;
      if (flags.ecosystems)
        config.ecosystems = flags.ecosystems
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean);
      if (flags.malware) config.malware = flags.malware;
      if (flags.rules) config.rules = flags.rules;
      const report = await updateFeeds(into, feedSources(config), {
        ...(process.stderr.isTTY && !flags.json ? { onProgress: progressLine() } : {}),
      });
      print(flags, { into, ...report }, () =>
        [
          ...report.feeds.map(
            (f) =>
              `${f.status.padEnd(9)} ${f.kind.padEnd(7)} ${f.name.padEnd(24)} ${String(f.records).padStart(8)} records  ${f.requests} requests  ${formatBytes(f.bytes)}${f.error ? `  ${f.error.code}: ${f.error.message}` : ''}`,
          ),
          report.changed ? `a new generation is live in ${into}` : `nothing changed in ${into}`,
        ].join('\n'),
      );
      if (!report.ok) {
        const failed = report.feeds.filter((f) => f.status === 'failed').map((f) => f.name);
        throw new ReportedError('VULNDB_UPDATE_INCOMPLETE', `${failed.join(', ')} failed; their previous data is kept`);
      }
    });
}

/** One line on stderr per feed, redrawn as bytes arrive. */
function progressLine(): (p: FeedProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.phase === 'download' && now - last < 100) return;
    last = now;
    const detail =
      p.phase === 'download'
        ? formatBytes(p.bytes ?? 0)
        : p.phase === 'records'
          ? `${p.records}/${p.total} records`
          : p.records !== undefined
            ? `${p.records} records`
            : '';
    process.stderr.write(
      `\r\x1b[K${p.feed}: ${p.phase} ${detail}${p.phase === 'done' || p.phase === 'failed' ? '\n' : ''}`,
    );
  };
}

function registerStatus(vulndb: Command): void {
  vulndb
    .command('status')
    .description('what the advisory folder holds: sources, record counts, age')
    .option('--into <dir>', 'the advisory folder (default REGATTA_VULNDB, else <data dir>/vulndb)')
    .option('--data-dir <dir>', 'data dir whose vulndb/ folder to use')
    .option('--json', 'print JSON')
    .action(async (flags: { into?: string; dataDir?: string; json?: boolean }) => {
      const into = resolve(flags.into ?? defaultVulndb(flags.dataDir));
      const dbs = await loadScanDatabases(into);
      const out = {
        into,
        version: dbs.version,
        advisories: dbs.advisories.records,
        skipped: dbs.skipped,
        updated_at: dbs.feeds?.updatedAt ?? null,
        checked_at: dbs.feeds?.checkedAt ?? null,
        sources: dbs.sources,
      };
      print(flags, out, () =>
        [
          `${into}: ${out.advisories} advisories, version ${out.version}`,
          `feeds updated ${out.updated_at ?? 'never'}, checked ${out.checked_at ?? 'never'}`,
          ...dbs.sources.map(
            (s) => `  ${s.origin.padEnd(7)} ${s.kind.padEnd(7)} ${s.name.padEnd(28)} ${String(s.records).padStart(8)}`,
          ),
        ].join('\n'),
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
  else if (kind === 'zip') await readOsvZip(path, (text) => db.addJson(text));
  else db.addJson(await readFile(path, 'utf8'));
  return db.records;
}

// What scans match against. Always: Regatta's own secret rules and malware hashes (built in). Then, from the
// advisory folder (REGATTA_VULNDB or `--vulndb`, default `<data dir>/vulndb`): what an operator placed or
// imported there (`osv/` OSV records at any depth, `malware/` hash lists, `rules/*.toml` gitleaks rule files)
// and the live generation of the feeds `regatta vulndb update` keeps (`feeds/current/`, same layout, one folder
// per feed). A missing part is empty, not an error: an image can still be catalogued and checked.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadSecretRules, type SecretRuleSet } from './checks/secret-rules.js';
import { builtinSecretRules, mergeSecretRules } from './checks/secret-rules-builtin.js';
import { currentGeneration, type FeedsState, readState } from './feeds/generations.js';
import { builtinHashList, type HashList, loadHashLists } from './malware.js';
import { AdvisoryDb, loadOsvFolder } from './vulndb/osv.js';

/** One source of scan data and what it held when loaded. */
export interface DataSource {
  name: string;
  kind: 'osv' | 'malware' | 'rules';
  origin: 'builtin' | 'folder' | 'feed';
  /** Records (OSV), hashes or rules. */
  records: number;
  /** For feeds: when the data last changed. */
  updatedAt?: string;
}

export interface ScanDatabases {
  advisories: AdvisoryDb;
  hashes: HashList;
  secrets: SecretRuleSet;
  /** Identifies the content: a result made with another version is re-evaluated. */
  version: string;
  /** Files or records that were not usable OSV records. */
  skipped: number;
  sources: DataSource[];
  /** The feeds' state (last change, last check), when an update has run. */
  feeds?: FeedsState;
}

export async function loadScanDatabases(dir: string | undefined): Promise<ScanDatabases> {
  const advisories = new AdvisoryDb();
  const hashes = builtinHashList();
  let secrets = builtinSecretRules();
  const sources: DataSource[] = [
    { name: 'regatta-secret-rules', kind: 'rules', origin: 'builtin', records: secrets.rules.length },
    { name: 'regatta-malware-hashes', kind: 'malware', origin: 'builtin', records: hashes.size },
  ];
  const generation = dir ? await currentGeneration(dir) : undefined;
  const feeds = await readState(generation);
  const roots = [
    ...(dir ? [{ root: dir, origin: 'folder' as const }] : []),
    ...(generation ? [{ root: generation, origin: 'feed' as const }] : []),
  ];
  for (const { root, origin } of roots) {
    for (const { kind, name, path } of await partsOf(root, origin)) {
      const updatedAt = origin === 'feed' ? feeds?.feeds[name]?.fetchedAt : undefined;
      const add = (records: number) =>
        sources.push({ name, kind, origin, records, ...(updatedAt ? { updatedAt } : {}) });
      if (kind === 'osv') {
        const before = advisories.records;
        await loadOsvFolder(path, advisories);
        add(advisories.records - before);
      } else if (kind === 'malware') {
        const before = hashes.size;
        await loadHashLists(path, hashes);
        add(hashes.size - before);
      } else {
        const extra = await loadRuleFiles(path);
        secrets = mergeSecretRules(secrets, extra);
        add(extra.rules.length);
      }
    }
  }
  const version = `${advisories.version}+hashes-${hashes.size}+secrets-${secrets.rules.length}`;
  return { advisories, hashes, secrets, version, skipped: advisories.invalid, sources, ...(feeds ? { feeds } : {}) };
}

/**
 * The parts of one root: the operator's folder is one source per kind (`osv/`, `malware/`, `rules/`); a feed
 * generation has one folder per feed under each kind.
 */
async function partsOf(
  root: string,
  origin: 'folder' | 'feed',
): Promise<Array<{ kind: DataSource['kind']; name: string; path: string }>> {
  const parts: Array<{ kind: DataSource['kind']; name: string; path: string }> = [];
  for (const kind of ['osv', 'malware', 'rules'] as const) {
    const dir = join(root, kind);
    if (!existsSync(dir)) continue;
    if (origin === 'folder') parts.push({ kind, name: kind, path: dir });
    else for (const name of (await readdir(dir)).sort()) parts.push({ kind, name, path: join(dir, name) });
  }
  return parts;
}

/** Every `*.toml` of a folder (and its folders one level down), in name order, as one rule set. */
async function loadRuleFiles(dir: string): Promise<SecretRuleSet> {
  let set: SecretRuleSet = {
    rules: [],
    global: { regexes: [], paths: [], stopwords: [], target: 'secret' },
    skipped: [],
  };
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.isDirectory()) set = mergeSecretRules(set, await loadRuleFiles(join(dir, e.name)));
    else if (e.name.endsWith('.toml')) set = mergeSecretRules(set, await loadSecretRules(join(dir, e.name)));
  }
  return set;
}

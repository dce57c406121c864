// What scans match against, loaded from one folder laid out like ../shared/vulndb (REGATTA_VULNDB or
// `--vulndb`): `osv/` (OSV advisories, any depth), `malware/` (hash lists) and `rules/gitleaks.toml` (secrets). A missing part is empty, not an
// error: an image can still be catalogued and checked for settings and secrets.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSecretRules, type SecretRuleSet } from './checks/secret-rules.js';
import { HashList, loadHashLists } from './malware.js';
import { AdvisoryDb, loadOsvFolder } from './vulndb/osv.js';

export interface ScanDatabases {
  advisories: AdvisoryDb;
  hashes: HashList;
  /** The gitleaks rules (`rules/gitleaks.toml`), when the folder has them. */
  secrets?: SecretRuleSet;
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
  const rulesFile = dir ? join(dir, 'rules', 'gitleaks.toml') : undefined;
  const secrets = rulesFile && existsSync(rulesFile) ? await loadSecretRules(rulesFile) : undefined;
  const version = `${advisories.version}+hashes-${hashes.size}+secrets-${secrets?.rules.length ?? 0}`;
  return { advisories, hashes, ...(secrets ? { secrets } : {}), version, skipped };
}

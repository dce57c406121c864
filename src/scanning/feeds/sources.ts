// Which feeds an update fetches, from where: OSV's per-ecosystem exports (`<base>/<Ecosystem>/all.zip` and
// `modified_id.csv`) from OSV's public bucket, an internal mirror laid out the same way, or a local folder (air-gapped
// sites copy the same layout onto the machine); plus extra malware hash lists (`HASH;COMMENT` lines) and secret
// rule files (gitleaks TOML) from URLs, files or folders. Settings come from the configuration (app/config.ts:
// REGATTA_VULNDB_URL, REGATTA_VULNDB_ECOSYSTEMS, REGATTA_MALWARE_FEEDS, REGATTA_SECRET_RULE_FEEDS) and from
// `regatta vulndb update`'s flags.
// https://google.github.io/osv.dev/data/#data-dumps
import { joinSource } from './fetch.js';
import type { FeedKind } from './generations.js';

export const OSV_PUBLIC_BASE = 'https://osv-vulnerabilities.storage.googleapis.com';

export interface FeedSource {
  /** Unique within an update: the ecosystem for OSV, else derived from the source. */
  name: string;
  kind: FeedKind;
  /** For OSV the ecosystem's folder (URL or path); else the file or folder. */
  source: string;
}

export interface FeedConfig {
  osvBase: string;
  ecosystems: string[];
  malware: string[];
  rules: string[];
}

/** A feed name safe as a folder name: the source's last path part, made unique by its position. */
function nameOf(kind: FeedKind, source: string, index: number): string {
  const last =
    source
      .replace(/[?#].*$/, '')
      .replace(/\/+$/, '')
      .split('/')
      .pop() ?? '';
  const stem =
    last
      .replace(/\.[a-z0-9]+$/i, '')
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .slice(0, 60) || kind;
  return `${kind}-${index + 1}-${stem}`;
}

export function feedSources(c: FeedConfig): FeedSource[] {
  return [
    ...c.ecosystems.map((e) => ({ name: e, kind: 'osv' as const, source: joinSource(c.osvBase, e) })),
    ...c.malware.map((s, i) => ({ name: nameOf('malware', s, i), kind: 'malware' as const, source: s })),
    ...c.rules.map((s, i) => ({ name: nameOf('rules', s, i), kind: 'rules' as const, source: s })),
  ];
}

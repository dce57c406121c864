// The advisory database: OSV records (https://ossf.github.io/osv-schema/) loaded from a folder laid out like
// ../shared/vulndb/osv (any depth, one record per `.json` file, or zips of them), indexed by ecosystem and package name. Its
// `version` is a digest over every record's id and `modified`, so a changed database is told apart from the one
// a scan result was made with (and that result re-evaluated).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RegattaError } from '../../errors.js';
import { readOsvZip } from './osv-zip.js';

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: Array<{ type: string; events: OsvEvent[] }>;
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvRecord {
  id: string;
  modified: string;
  withdrawn?: string;
  aliases?: string[];
  summary?: string;
  details?: string;
  affected?: OsvAffected[];
  severity?: Array<{ type: string; score: string }>;
  references?: Array<{ type: string; url: string }>;
  database_specific?: Record<string, unknown>;
}

export class AdvisoryDb {
  private readonly byPackage = new Map<string, OsvRecord[]>();
  private readonly hash = createHash('sha256');
  private sealed?: string;
  records = 0;

  add(record: OsvRecord): void {
    if (this.sealed) throw new RegattaError('VULNDB_SEALED', 'the advisory database was already read');
    if (typeof record?.id !== 'string' || !Array.isArray(record.affected)) return;
    this.records++;
    this.hash.update(`${record.id}\n${record.modified ?? ''}\n${record.withdrawn ?? ''}\n`);
    const keys = new Set(record.affected.flatMap((a) => (a.package ? [key(a.package.ecosystem, a.package.name)] : [])));
    for (const k of keys) {
      const list = this.byPackage.get(k);
      if (list) list.push(record);
      else this.byPackage.set(k, [record]);
    }
  }

  /** The records naming `name` in `ecosystem` (exactly, e.g. `Debian:12` / `openssl`). */
  lookup(ecosystem: string, name: string): OsvRecord[] {
    return this.byPackage.get(key(ecosystem, name)) ?? [];
  }

  /** Identifies this database's content: equal versions, equal findings. */
  get version(): string {
    this.sealed ??= `osv-${this.records}-${this.hash.digest('hex').slice(0, 16)}`;
    return this.sealed;
  }
}

/** A package name as its ecosystem compares names: PyPI's are case- and separator-insensitive (PEP 503). */
export function canonicalName(ecosystem: string, name: string): string {
  return ecosystem === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}

function key(ecosystem: string, name: string): string {
  return `${ecosystem}\n${canonicalName(ecosystem, name)}`;
}

/**
 * Loads every `*.json` under `dir` (recursively) and every record inside its `*.zip` archives; files that are not
 * OSV records are skipped and counted.
 */
export async function loadOsvFolder(dir: string, db = new AdvisoryDb()): Promise<{ db: AdvisoryDb; skipped: number }> {
  let skipped = 0;
  const addText = (text: string) => {
    try {
      db.add(JSON.parse(text) as OsvRecord);
    } catch {
      skipped++;
    }
  };
  const walk = async (path: string): Promise<void> => {
    for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && entry.name.endsWith('.json')) addText(await readFile(full, 'utf8'));
      else if (entry.isFile() && entry.name.endsWith('.zip')) await readOsvZip(full, addText);
    }
  };
  try {
    await walk(dir);
  } catch (err) {
    if (err instanceof RegattaError) throw err;
    throw new RegattaError('VULNDB_UNREADABLE', `cannot read the advisory folder ${dir}: ${(err as Error).message}`);
  }
  return { db, skipped };
}

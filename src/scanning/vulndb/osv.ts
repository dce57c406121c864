// The advisory database: OSV records (https://ossf.github.io/osv-schema/) loaded from folders laid out like
// `osv/` of the advisory folder (any depth, one record per `.json` file, or zips of them such as OSV's
// `<Ecosystem>/all.zip`), indexed by ecosystem and package name. A record is checked against the schema Regatta
// relies on (osv-schema.ts) before it is added; one that fails is skipped and counted. Two copies of one id (an
// ecosystem's all.zip and a newer single record fetched by an incremental update) keep the later `modified`.
// `version` is a digest over every kept record's id and `modified`, so a changed database is told apart from
// the one a scan result was made with (and that result re-evaluated).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RegattaError } from '../../errors.js';
import { osvRecordSchema } from './osv-schema.js';
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
  private readonly byId = new Map<string, OsvRecord>();
  private sealed?: string;
  /** Inputs that were not OSV records Regatta can use (bad JSON, wrong field types). */
  invalid = 0;

  get records(): number {
    return this.byId.size;
  }

  /** Adds a record after checking its shape; false (and counted) when it is not one. */
  add(input: unknown): boolean {
    if (this.sealed) throw new RegattaError('VULNDB_SEALED', 'the advisory database was already read');
    const parsed = osvRecordSchema.safeParse(input);
    if (!parsed.success) {
      this.invalid++;
      return false;
    }
    const { details: _prose, ...record } = parsed.data as OsvRecord;
    const old = this.byId.get(record.id);
    if (old && old.modified >= record.modified) return true;
    if (old) this.unindex(old);
    this.byId.set(record.id, record);
    for (const k of packageKeys(record)) {
      const list = this.byPackage.get(k);
      if (list) list.push(record);
      else this.byPackage.set(k, [record]);
    }
    return true;
  }

  /** Parses and adds one JSON document; false when it is not a usable record. */
  addJson(json: string): boolean {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch {
      this.invalid++;
      return false;
    }
    return this.add(raw);
  }

  /** The records naming `name` in `ecosystem` (exactly, e.g. `Debian:12` / `openssl`). */
  lookup(ecosystem: string, name: string): OsvRecord[] {
    return this.byPackage.get(key(ecosystem, name)) ?? [];
  }

  /** Identifies this database's content: equal versions, equal findings. */
  get version(): string {
    if (this.sealed) return this.sealed;
    const hash = createHash('sha256');
    for (const id of [...this.byId.keys()].sort()) {
      const r = this.byId.get(id)!;
      hash.update(`${r.id}\n${r.modified}\n${r.withdrawn ?? ''}\n`);
    }
    this.sealed = `osv-${this.records}-${hash.digest('hex').slice(0, 16)}`;
    return this.sealed;
  }

  private unindex(record: OsvRecord): void {
    for (const k of packageKeys(record)) {
      const list = this.byPackage.get(k)?.filter((r) => r !== record);
      if (list?.length) this.byPackage.set(k, list);
      else this.byPackage.delete(k);
    }
  }
}

function packageKeys(record: OsvRecord): Set<string> {
  return new Set((record.affected ?? []).flatMap((a) => (a.package ? [key(a.package.ecosystem, a.package.name)] : [])));
}

/** A package name as its ecosystem compares names: PyPI's are case- and separator-insensitive (PEP 503). */
export function canonicalName(ecosystem: string, name: string): string {
  return ecosystem === 'PyPI' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}

function key(ecosystem: string, name: string): string {
  return `${ecosystem}\n${canonicalName(ecosystem, name)}`;
}

/**
 * Loads every `*.json` under `dir` (recursively) and every record inside its `*.zip` archives into `db`; inputs
 * that are not OSV records are skipped and counted (`skipped`).
 */
export async function loadOsvFolder(dir: string, db = new AdvisoryDb()): Promise<{ db: AdvisoryDb; skipped: number }> {
  const before = db.invalid;
  const walk = async (path: string): Promise<void> => {
    for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && entry.name.endsWith('.json')) db.addJson(await readFile(full, 'utf8'));
      else if (entry.isFile() && entry.name.endsWith('.zip')) await readOsvZip(full, (text) => db.addJson(text));
    }
  };
  try {
    await walk(dir);
  } catch (err) {
    if (err instanceof RegattaError) throw err;
    throw new RegattaError('VULNDB_UNREADABLE', `cannot read the advisory folder ${dir}: ${(err as Error).message}`);
  }
  return { db, skipped: db.invalid - before };
}

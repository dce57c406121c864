// Schema migrations: plain SQL files `migrations/NNN_name.sql`, applied in version order at start, each in its
// own transaction and recorded in `schema_migrations` (version, name, SHA-256 of the file, time). Applied
// versions are skipped, so running it again is a no-op. It runs under a session advisory lock, so processes
// starting together against one PostgreSQL apply each file once: the others wait, then find nothing to do.
// Each file is also re-checked inside its transaction (see applyOne for why).
// A migration must therefore be transaction-safe (no CREATE INDEX CONCURRENTLY, no VACUUM).
// The files are read at run time from `migrations/` next to this module: src/store/migrations under tsx, and
// dist/migrations next to the dist/regatta.mjs bundle (scripts/copy-migrations.mjs copies them at build time).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** SHA-256 of the file, recorded when applied. */
  checksum: string;
}

/** The migrations folder next to this module (src/store/migrations, or dist/migrations beside the bundle). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;
/** pg_advisory_lock(int4, int4) key: 'Rega' and 1 (migrations). */
const LOCK_KEY = [0x52656761, 1] as const;

/** Reads `dir`'s NNN_name.sql files in version order; throws on a duplicate version or a misnamed .sql file. */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) {
    const match = FILE.exec(file);
    if (!match) throw new Error(`migration file ${file} is not named NNN_name.sql`);
    const sql = await readFile(join(dir, file), 'utf8');
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) throw new Error(`two migrations have version ${match[1]}`);
    migrations.push({ version, name: match[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

/** What `migrate` did. */
export interface MigrateResult {
  /** `NNN_name` of each migration applied by this call, in order. */
  applied: string[];
  /** Highest version now recorded in the database. */
  version: number;
}

/**
 * Applies the pending migrations of `dir` to the database behind `pool`, each in a transaction, under an
 * advisory lock. Idempotent.
 * @throws the database error of a failing migration (wrapped, naming the file); that migration is rolled back.
 */
export async function migrate(pool: pg.Pool, opts: { dir?: string } = {}): Promise<MigrateResult> {
  const migrations = await loadMigrations(opts.dir);
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [...LOCK_KEY]);
    try {
      // Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL's catalog.
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const applied: string[] = [];
      for (const m of migrations) {
        if (await applyOne(client, m)) applied.push(label(m));
      }
      const done = await client.query<{ version: number }>('SELECT max(version) AS version FROM schema_migrations');
      return { applied, version: done.rows[0]?.version ?? 0 };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [...LOCK_KEY]);
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    // After a failure the connection's state is unknown (an advisory lock may still be held): discard it.
    client.release(failed);
  }
}

/** Applies `m` unless it is recorded; true when it was applied now. */
async function applyOne(client: pg.PoolClient, m: Migration): Promise<boolean> {
  await client.query('BEGIN');
  try {
    // Checked inside the transaction as well as under the advisory lock: on embedded PGlite every connection is
    // one backend session, so the session lock does not exclude a second migrate() of the same process, but
    // transactions there run one at a time.
    const recorded = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
    if (recorded.rowCount) {
      await client.query('COMMIT');
      return false;
    }
    // No parameters: node-postgres sends the simple query protocol, which accepts many statements at once.
    await client.query(m.sql);
    await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
      m.version,
      m.name,
      m.checksum,
    ]);
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw new Error(`migration ${label(m)}.sql failed: ${(err as Error).message}`, { cause: err });
  }
}

function label(m: Migration): string {
  return `${String(m.version).padStart(3, '0')}_${m.name}`;
}

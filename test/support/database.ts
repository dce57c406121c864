// Databases for tests: every store test runs on embedded PGlite, and also on PostgreSQL when DATABASE_URL is set
// (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test -- src/store).
//
//   const engines = testDatabases();              // at the top of a test file; cleanup is registered with after()
//   for (const engine of engines) {
//     test(`round trip on ${engine.name}`, async () => {
//       const { db } = await engine.open();       // started and migrated on first call, the same one after
//       ...
//     });
//   }
//
// One database per engine per test FILE: starting PGlite costs ~1 s, and initdb of a new cluster ~3 s more, so
// open() memoises, and the tests of a file share it (give rows unique keys, e.g. a random project id, rather than
// expecting empty tables). A test that needs a database to itself calls testDatabases() inside its own
// describe(), or uses freshDataDir() + openDatabase() for embedded-only concerns (locks, restarts).
// initdb runs once per machine and PGlite version: the first start builds a template cluster in the temp dir,
// and every fresh data dir is a copy of it.
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';

/** One engine a test runs on. */
export interface TestEngine {
  name: 'pglite' | 'postgres';
  /**
   * The engine's database for this file: created (and migrated, unless `migrate: false`) on the first call, the
   * same object afterwards. Its `close()` does nothing, so a test cannot pull it from under the next; use `cleanup()`.
   */
  open(): Promise<Database>;
  /** Closes the database and deletes it (the temp data dir, or the PostgreSQL database). Idempotent. */
  cleanup(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply src/store/migrations on open (default true). */
  migrate?: boolean;
  /** Register `after(() => cleanup())` with node:test for the current file or suite (default true). */
  autoCleanup?: boolean;
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export function testDatabases(opts: TestDatabaseOptions = {}): TestEngine[] {
  const engines = [embeddedEngine(opts.migrate ?? true)];
  const url = process.env.DATABASE_URL;
  if (url) engines.push(postgresEngine(url, opts.migrate ?? true));
  if (opts.autoCleanup ?? true) after(() => Promise.all(engines.map((e) => e.cleanup())));
  return engines;
}

/**
 * A new temp data dir whose `pgdata` is a copy of an initdb'd template, so the first open skips initdb.
 * Removed by the returned `remove()`.
 */
export async function freshDataDir(): Promise<{ dataDir: string; remove(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'regatta-test-db-'));
  await cp(await pgliteTemplate(), join(dataDir, 'pgdata'), { recursive: true });
  return { dataDir, remove: () => rm(dataDir, { recursive: true, force: true }) };
}

/** A Database wrapper whose close() leaves the shared database open. */
function shared(database: Database): Database {
  return { ...database, close: async () => {} };
}

function engine(name: TestEngine['name'], create: () => Promise<{ database: Database; drop(): Promise<void> }>) {
  let opened: Promise<{ database: Database; drop(): Promise<void> }> | undefined;
  let cleaned: Promise<void> | undefined;
  return {
    name,
    open: async () => {
      opened ??= create();
      return shared((await opened).database);
    },
    cleanup: () => {
      cleaned ??= (async () => {
        if (!opened) return;
        const { database, drop } = await opened;
        try {
          await database.close();
        } finally {
          await drop();
        }
      })();
      return cleaned;
    },
  } satisfies TestEngine;
}

function embeddedEngine(migrations: boolean): TestEngine {
  return engine('pglite', async () => {
    const dir = await freshDataDir();
    try {
      const database = await openDatabase({ dataDir: dir.dataDir });
      await migrateOrClose(database, migrations);
      return { database, drop: dir.remove };
    } catch (err) {
      await dir.remove();
      throw err;
    }
  });
}

/** A new, empty PostgreSQL database on the server of `url`, and how to drop it. */
export async function freshPostgresDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `regatta_t_${randomBytes(6).toString('hex')}`;
  await admin(url, `CREATE DATABASE ${name}`);
  return { url: databaseUrlFor(url, name), drop: () => admin(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

function postgresEngine(url: string, migrations: boolean): TestEngine {
  return engine('postgres', async () => {
    const fresh = await freshPostgresDatabase(url);
    const drop = fresh.drop;
    try {
      const database = await openDatabase({ databaseUrl: fresh.url, dataDir: tmpdir() });
      await migrateOrClose(database, migrations);
      return { database, drop };
    } catch (err) {
      await drop();
      throw err;
    }
  });
}

/** `url` pointing at database `name` on the same server. */
export function databaseUrlFor(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs one statement on the server of `url` (CREATE/DROP DATABASE cannot run in a pool transaction). */
export async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function migrateOrClose(database: Database, migrations: boolean): Promise<void> {
  if (!migrations) return;
  try {
    await migrate(database.pool);
  } catch (err) {
    await database.close();
    throw err;
  }
}

/**
 * Path of an initdb'd, cleanly closed PGlite cluster for the installed PGlite version, built on first use.
 * Processes racing to build it each build their own and rename it into place; the loser's copy is discarded.
 */
async function pgliteTemplate(): Promise<string> {
  const pkg = JSON.parse(
    await readFile(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  const template = join(tmpdir(), `regatta-pglite-template-${pkg.version}`);
  if (await exists(join(template, 'PG_VERSION'))) return template;
  await mkdir(tmpdir(), { recursive: true });
  const build = await mkdtemp(join(tmpdir(), 'regatta-pglite-template-build-'));
  try {
    const database = await openDatabase({ dataDir: build });
    await database.close();
    await rename(join(build, 'pgdata'), template).catch(async (err: NodeJS.ErrnoException) => {
      if (!(await exists(join(template, 'PG_VERSION')))) throw err;
    });
  } finally {
    await rm(build, { recursive: true, force: true });
  }
  return template;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

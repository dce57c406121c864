// Opening the database every engine uses: one driver (node-postgres), one dialect (PostgreSQL), two places.
// With a `databaseUrl`, a pool on that PostgreSQL server (production: any number of API and worker processes
// share it). Without one, the embedded default: PGlite on `${dataDir}/pgdata`, served over a loopback socket
// by a child process (embedded.ts), reached through the very same pool code; the data dir is locked so that a
// second process cannot open it. Migrations are separate (migrate.ts): run `migrate(database.pool)` after opening.
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { startEmbeddedServer } from './embedded.js';
import { lockDataDir } from './lock-file.js';
import { storeTypes } from './pg-types.js';
import type { Schema } from './schema.js';

/** Where the database lives. */
export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when absent, embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  /** Regatta's data dir: the embedded database goes in `${dataDir}/pgdata`, its lock in `${dataDir}/regatta.lock`. */
  dataDir: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
}

/** An open database. */
export interface Database {
  /** Typed query builder over `pool`. */
  db: Kysely<Schema>;
  /** The node-postgres pool (int8/numeric parsed as numbers, timestamptz as Date). */
  pool: pg.Pool;
  /** Connection string of the server, for other clients such as pg-boss. Contains credentials: never log it. */
  connectionString: string;
  /** PostgreSQL server, or the embedded PGlite process. */
  mode: 'postgres' | 'embedded';
  /** PID of the embedded database process (embedded mode only), for health checks and diagnostics. */
  serverPid?: number;
  /** Ends the pool, stops the embedded process (if any) and releases the data dir lock. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_POOL_SIZE = 10;

/**
 * Opens the database: PostgreSQL at `databaseUrl`, else embedded PGlite under `dataDir`. Checks that it answers.
 * @throws DataDirLockedError (`DATA_DIR_LOCKED`) in embedded mode when another live process uses the data dir.
 * @throws StoreError `EMBEDDED_START_FAILED` when the embedded process does not start.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const poolSize = opts.poolSize ?? DEFAULT_POOL_SIZE;
  if (opts.databaseUrl) {
    return connect(opts.databaseUrl, 'postgres', poolSize, async () => {});
  }
  const lock = await lockDataDir(opts.dataDir);
  try {
    const server = await startEmbeddedServer(join(opts.dataDir, 'pgdata'), { onSpawn: (pid) => lock.addPid(pid) });
    const database = await connect(server.connectionString, 'embedded', poolSize, async () => {
      try {
        await server.stop();
      } finally {
        await lock.release();
      }
    });
    return { ...database, serverPid: server.pid };
  } catch (err) {
    await lock.release();
    throw err;
  }
}

async function connect(
  connectionString: string,
  mode: Database['mode'],
  poolSize: number,
  stop: () => Promise<void>,
): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: poolSize, types: storeTypes() });
  // An idle client whose connection drops emits 'error' on the pool; pg has already discarded it, and the next
  // query gets a fresh connection or a clear error. Without a listener the process would crash.
  pool.on('error', () => {});
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      try {
        await db.destroy(); // ends the pool
      } finally {
        await stop();
      }
    })();
    return closing;
  };
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await close();
    throw err;
  }
  return { db, pool, connectionString, mode, close };
}

// `regatta serve` (API and workers in one process) and `regatta worker` (workers only, for scale-out on
// PostgreSQL). Both stop cleanly on SIGINT/SIGTERM: in-flight jobs finish or return to the queue.
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildApp } from '../../api/app.js';
import { policyOf } from '../../api/native/overview.js';
import type { WorkerOptions } from '../../app/worker-options.js';
import { startWorkers } from '../../jobs/workers.js';
import { feedConfigFromEnv } from '../../scanning/feeds/sources.js';
import { DEFAULT_VULNDB_SCHEDULE } from '../../services/vulndb.js';
import { openRuntime, type Runtime } from '../runtime.js';

interface ServeFlags {
  port: string;
  host: string;
  dataDir: string;
  workers: boolean;
}

const DEFAULT_PORT = '8480';
/** Files a server writes (database, advisory feeds, keys) are its owner's alone. */
const PRIVATE_UMASK = 0o077;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the API and the workers (embedded database under --data-dir, or PostgreSQL from DATABASE_URL)')
    .option('--port <port>', 'listen port (REGATTA_PORT)', process.env.REGATTA_PORT ?? DEFAULT_PORT)
    .option('--host <address>', 'listen address (REGATTA_HOST)', process.env.REGATTA_HOST ?? '127.0.0.1')
    .option('--data-dir <dir>', 'data directory (REGATTA_DATA_DIR)', process.env.REGATTA_DATA_DIR ?? './regatta-data')
    .option('--no-workers', 'serve the API only')
    .action(async (flags: ServeFlags) => {
      process.umask(PRIVATE_UMASK);
      const runtime = await openRuntime({ dataDir: flags.dataDir, databaseUrl: process.env.DATABASE_URL || undefined });
      const workerOptions = workerOptionsFromEnv(process.env, flags.dataDir);
      if (flags.workers) await startWorkers(runtime.ctx, workerOptions);
      const app = await buildApp(runtime.ctx, {
        vulndb: workerOptions.vulndb,
        policy: policyOf(workerOptions),
        logger: {
          level: process.env.REGATTA_LOG_LEVEL ?? 'info',
          redact: ['req.headers.authorization', 'req.headers["x-auth-token"]'],
        },
      });
      await app.listen({ port: Number(flags.port), host: flags.host });
      await untilSignal(async (graceMs) => {
        await app.close();
        await runtime.close(graceMs);
      });
    });

  program
    .command('worker')
    .description('run workers only: any number of them share one PostgreSQL (DATABASE_URL)')
    .option(
      '--data-dir <dir>',
      'data directory for the secret key file (REGATTA_DATA_DIR)',
      process.env.REGATTA_DATA_DIR ?? './regatta-data',
    )
    .option('--concurrency <n>', 'inventory crawls at once', '2')
    .action(async (flags: { dataDir: string; concurrency: string }) => {
      process.umask(PRIVATE_UMASK);
      const runtime: Runtime = await openRuntime({
        dataDir: flags.dataDir,
        databaseUrl: process.env.DATABASE_URL || undefined,
      });
      const onJobDone = (queue: string, data: unknown, pid: number) =>
        process.stderr.write(`${JSON.stringify({ time: Date.now(), pid, msg: 'job done', queue, data })}\n`);
      await startWorkers(runtime.ctx, {
        ...workerOptionsFromEnv(process.env, flags.dataDir),
        inventoryConcurrency: Number(flags.concurrency),
        onJobDone,
      });
      process.stderr.write(`regatta worker: running (${runtime.mode})\n`);
      await untilSignal((graceMs) => runtime.close(graceMs));
    });
}

/**
 * REGATTA_POLL_INTERVAL (seconds between polls of PASSIVE rules' sources), REGATTA_SYNC_CONCURRENCY (copies at
 * once in this process), REGATTA_REGISTRY_CONCURRENCY (copies at once from or to one registry, all processes).
 */
function workerOptionsFromEnv(env: NodeJS.ProcessEnv, dataDir: string): WorkerOptions {
  const positive = (name: string): number | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`${name} must be a positive integer, not ${JSON.stringify(value)}`);
    return n;
  };
  const vulndb = env.REGATTA_VULNDB || join(dataDir, 'vulndb');
  return {
    pollIntervalSeconds: positive('REGATTA_POLL_INTERVAL'),
    syncConcurrency: positive('REGATTA_SYNC_CONCURRENCY'),
    registryConcurrency: positive('REGATTA_REGISTRY_CONCURRENCY'),
    scanConcurrency: positive('REGATTA_SCAN_CONCURRENCY'),
    vulndbStaleHours: positive('REGATTA_VULNDB_STALE_HOURS'),
    // REGATTA_VULNDB, else the data dir's vulndb/ (where `regatta vulndb import` and updates put advisories).
    vulndb,
    // REGATTA_VULNDB_UPDATE: the update schedule (cron, UTC), or `off` for updates only when asked.
    vulndbUpdate: {
      dir: vulndb,
      feeds: feedConfigFromEnv(env),
      schedule: env.REGATTA_VULNDB_UPDATE === 'off' ? false : env.REGATTA_VULNDB_UPDATE || DEFAULT_VULNDB_SCHEDULE,
    },
    ...(env.REGATTA_SCANNER_ADAPTER_URL
      ? {
          scannerAdapter: {
            url: env.REGATTA_SCANNER_ADAPTER_URL,
            token: env.REGATTA_SCANNER_ADAPTER_TOKEN || undefined,
          },
        }
      : {}),
    scanOnSync: env.REGATTA_SCAN_ON_SYNC === undefined ? undefined : env.REGATTA_SCAN_ON_SYNC !== 'false',
  };
}

/**
 * Waits for SIGINT or SIGTERM, then shuts down: `shutdown` stops taking work and lets in-flight work finish or
 * return to the queue within the grace period (REGATTA_SHUTDOWN_GRACE seconds, default 20), closes the database
 * (releasing the data-dir lock last) and the process exits 0. Work cut short is resumed by the next start (the
 * embedded mode fails orphaned jobs at start-up and retries them; PostgreSQL's queue retries expired ones). A
 * second signal exits at once (130/143).
 */
function untilSignal(shutdown: (graceMs: number) => Promise<void>): Promise<void> {
  const graceMs = shutdownGraceMs(process.env.REGATTA_SHUTDOWN_GRACE);
  return new Promise(() => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`regatta: ${signal} again: exiting now\n`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      stopping = true;
      process.stderr.write(`regatta: ${signal}: stopping (grace ${graceMs / 1000} s; send it again to exit now)\n`);
      // The grace period bounds the whole shutdown: whatever still holds the process after it is cut off.
      const deadline = setTimeout(() => {
        process.stderr.write('regatta: shutdown grace period over: exiting\n');
        process.exit(0);
      }, graceMs + 5000);
      deadline.unref();
      shutdown(graceMs).then(
        () => process.exit(0),
        (err) => {
          process.stderr.write(`regatta: shutdown: ${err instanceof Error ? err.message : String(err)}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function shutdownGraceMs(value: string | undefined): number {
  if (value === undefined || value === '') return 20_000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(`REGATTA_SHUTDOWN_GRACE must be seconds, not ${JSON.stringify(value)}`);
  return seconds * 1000;
}

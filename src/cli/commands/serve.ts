// `regatta serve` (API and workers in one process) and `regatta worker` (workers only, for scale-out on
// PostgreSQL). Both stop cleanly on SIGINT/SIGTERM: in-flight jobs finish or return to the queue.
import type { Command } from 'commander';
import { buildApp } from '../../api/app.js';
import { policyOf } from '../../api/native/overview.js';
import { type Config, loadConfig } from '../../app/config.js';
import { startWorkers } from '../../jobs/workers.js';
import { openRuntime, type Runtime } from '../runtime.js';

interface ServeFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  workers: boolean;
}

/** Files a server writes (database, advisory feeds, keys) are its owner's alone. */
const PRIVATE_UMASK = 0o077;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the API and the workers (embedded database under --data-dir, or PostgreSQL from DATABASE_URL)')
    .option('--port <port>', 'listen port (REGATTA_PORT, default 8480)')
    .option('--host <address>', 'listen address (REGATTA_HOST, default 127.0.0.1)')
    .option('--data-dir <dir>', 'data directory (REGATTA_DATA_DIR, default ./regatta-data)')
    .option('--no-workers', 'serve the API only')
    .action(async (flags: ServeFlags) => {
      const config = loadConfig(process.env, flags);
      process.umask(PRIVATE_UMASK);
      const runtime = await openRuntime(config);
      if (flags.workers) await startWorkers(runtime.ctx, config.workers);
      const app = await buildApp(runtime.ctx, {
        ...config.api,
        vulndb: config.workers.vulndb,
        policy: policyOf(config.workers),
        logger: {
          level: config.logLevel,
          redact: ['req.headers.authorization', 'req.headers["x-auth-token"]'],
        },
      });
      await app.listen({ port: config.port, host: config.host });
      await untilSignal(config, async (graceMs) => {
        await app.close();
        await runtime.close(graceMs);
      });
    });

  program
    .command('worker')
    .description('run workers only: any number of them share one PostgreSQL (DATABASE_URL)')
    .option('--data-dir <dir>', 'data directory for the secret key file (REGATTA_DATA_DIR, default ./regatta-data)')
    .option('--concurrency <n>', 'inventory crawls at once', '2')
    .action(async (flags: { dataDir?: string; concurrency: string }) => {
      const config = loadConfig(process.env, flags);
      process.umask(PRIVATE_UMASK);
      const runtime: Runtime = await openRuntime(config);
      const onJobDone = (queue: string, data: unknown, pid: number) =>
        process.stderr.write(`${JSON.stringify({ time: Date.now(), pid, msg: 'job done', queue, data })}\n`);
      await startWorkers(runtime.ctx, {
        ...config.workers,
        inventoryConcurrency: Number(flags.concurrency),
        onJobDone,
      });
      process.stderr.write(`regatta worker: running (${runtime.mode})\n`);
      await untilSignal(config, (graceMs) => runtime.close(graceMs));
    });
}

/**
 * Waits for SIGINT or SIGTERM, then shuts down: `shutdown` stops taking work and lets in-flight work finish or
 * return to the queue within the grace period (REGATTA_SHUTDOWN_GRACE seconds, default 20), closes the database
 * (releasing the data-dir lock last) and the process exits 0. Work cut short is resumed by the next start (the
 * embedded mode fails orphaned jobs at start-up and retries them; PostgreSQL's queue retries expired ones). A
 * second signal exits at once (130/143).
 */
function untilSignal(config: Config, shutdown: (graceMs: number) => Promise<void>): Promise<void> {
  const graceMs = config.shutdownGraceMs;
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

// Opens what `serve` and `worker` run on: the database (embedded PGlite under the data dir, or PostgreSQL
// from DATABASE_URL), its migrations, the secret key, the job queue, and the bootstrap identity.

import type { Config } from '../app/config.js';
import type { AppContext } from '../app/context.js';
import { makeContext } from '../app/context.js';
import { startQueue } from '../app/queue.js';
import { failOrphanedJobs } from '../jobs/recovery.js';
import { securePrivateDir } from '../store/data-dir.js';
import { openDatabase } from '../store/database.js';
import { BOOTSTRAP_ADMIN } from '../store/identities.js';
import { migrate } from '../store/migrate.js';
import { resealSecrets } from '../store/rekey.js';
import { SecretBox } from '../store/secrets.js';

/** The part of the configuration (app/config.ts) the runtime opens. */
export type RuntimeOptions = Pick<
  Config,
  'dataDir' | 'databaseUrl' | 'secretKey' | 'previousSecretKeys' | 'bootstrap' | 'webhook'
>;

export interface Runtime {
  ctx: AppContext;
  mode: 'embedded' | 'postgres';
  /** Stops taking jobs, waits up to `graceMs` for those running, then closes the database (and its lock). */
  close(graceMs?: number): Promise<void>;
}

export async function openRuntime(opts: RuntimeOptions): Promise<Runtime> {
  await securePrivateDir(opts.dataDir);
  const database = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
  try {
    // PGlite sets its files' modes itself (0666): tightened once it has made them. Files it adds later stay
    // out of reach behind the 0700 folders.
    await securePrivateDir(opts.dataDir);
    await migrate(database.pool);
    const secrets = await SecretBox.open(opts.dataDir, opts.secretKey, opts.previousSecretKeys);
    // Rotation: what an earlier key sealed is sealed again with this one, before anything reads it.
    if (opts.previousSecretKeys?.length) await resealSecrets(database.db, secrets);
    const boss = await startQueue(database.connectionString);
    const ctx = makeContext(database, secrets, boss, opts.webhook);
    await failOrphanedJobs(database, boss);
    if (opts.bootstrap) await ctx.identities.ensure({ ...opts.bootstrap, name: BOOTSTRAP_ADMIN });
    return {
      ctx,
      mode: database.mode,
      close: async (graceMs = 10_000) => {
        await ctx.jobs.stop();
        await boss.stop({ graceful: true, wait: true, timeout: Math.max(1000, graceMs) });
        await ctx.connectors.close();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}

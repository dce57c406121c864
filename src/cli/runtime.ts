// Opens what `serve` and `worker` run on: the database (embedded PGlite under the data dir, or PostgreSQL
// from DATABASE_URL), its migrations, the secret key, the job queue, and the bootstrap identity.

import type { AppContext } from '../app/context.js';
import { makeContext } from '../app/context.js';
import { startQueue } from '../app/queue.js';
import { webhookFromEnv } from '../app/webhooks.js';
import { RegattaError } from '../errors.js';
import { failOrphanedJobs } from '../jobs/recovery.js';
import { securePrivateDir } from '../store/data-dir.js';
import { openDatabase } from '../store/database.js';
import { BOOTSTRAP_ADMIN } from '../store/identities.js';
import { migrate } from '../store/migrate.js';
import { SecretBox } from '../store/secrets.js';

export interface RuntimeOptions {
  dataDir: string;
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Runtime {
  ctx: AppContext;
  mode: 'embedded' | 'postgres';
  /** Stops taking jobs, waits up to `graceMs` for those running, then closes the database (and its lock). */
  close(graceMs?: number): Promise<void>;
}

export async function openRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const env = opts.env ?? process.env;
  checkBootstrapSecrets(env);
  await securePrivateDir(opts.dataDir);
  const database = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
  try {
    // PGlite sets its files' modes itself (0666): tightened once it has made them. Files it adds later stay
    // out of reach behind the 0700 folders.
    await securePrivateDir(opts.dataDir);
    await migrate(database.pool);
    const secrets = await SecretBox.fromEnvironment(opts.dataDir, env);
    const boss = await startQueue(database.connectionString);
    const ctx = makeContext(database, secrets, boss, webhookFromEnv(env));
    await failOrphanedJobs(database, boss);
    await bootstrapIdentity(ctx, env);
    return {
      ctx,
      mode: database.mode,
      close: async (graceMs = 10_000) => {
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

const MIN_SECRET_LENGTH = 16;

/** A short bootstrap token falls to guessing; the secret key of an AK/SK pair likewise. Checked before anything opens. */
function checkBootstrapSecrets(env: NodeJS.ProcessEnv): void {
  for (const name of ['REGATTA_BOOTSTRAP_TOKEN', 'REGATTA_BOOTSTRAP_SK'] as const) {
    const value = env[name];
    if (value && value.length < MIN_SECRET_LENGTH) {
      throw new RegattaError('BOOTSTRAP_SECRET_WEAK', `${name} must be at least ${MIN_SECRET_LENGTH} characters`);
    }
  }
}

/** REGATTA_BOOTSTRAP_*: an admin identity for one project, created or updated on every start (idempotent). */
async function bootstrapIdentity(ctx: AppContext, env: NodeJS.ProcessEnv): Promise<void> {
  const projectId = env.REGATTA_BOOTSTRAP_PROJECT_ID;
  if (!projectId) return;

  await ctx.identities.ensure({
    projectId,
    name: BOOTSTRAP_ADMIN,
    token: env.REGATTA_BOOTSTRAP_TOKEN || undefined,
    accessKey: env.REGATTA_BOOTSTRAP_AK || undefined,
    secretKey: env.REGATTA_BOOTSTRAP_SK || undefined,
  });
}

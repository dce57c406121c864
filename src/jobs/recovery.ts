// After a crash of the one process that owns an embedded data dir, jobs it had taken are still `active` in
// the queue and would wait for their expiry (an hour for a crawl). Holding the data-dir lock proves no other
// process runs them, so they are failed at once: the queue retries them (the work is idempotent) or, out of
// retries, dead-letters them, and no task stays running. With PostgreSQL and several workers this cannot be
// known, and expiry does the same job later.
import { sql } from 'kysely';
import type PgBoss from 'pg-boss';
import { Queues } from '../app/queue.js';
import type { Database } from '../store/database.js';

export async function failOrphanedJobs(database: Database, boss: PgBoss): Promise<number> {
  if (database.mode !== 'embedded') return 0;
  let failed = 0;
  for (const name of [
    Queues.inventorySync,
    Queues.registryCheck,
    Queues.ruleSelect,
    Queues.syncTask,
    Queues.imageScan,
  ]) {
    const { rows } = await sql<{
      id: string;
    }>`select id from pgboss.job where name = ${name} and state = 'active'`.execute(database.db);
    if (rows.length === 0) continue;
    await boss.fail(
      name,
      rows.map((r) => r.id),
    );
    failed += rows.length;
  }
  return failed;
}

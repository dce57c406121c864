// Counts the server reports about itself (/metrics, /readyz): the shared job queue's jobs by queue and state,
// sync tasks and scans by status, bytes copied. Unscoped: operators see the whole installation.
import { type Kysely, sql } from 'kysely';
import type { Schema } from './schema.js';

/** Whether the job queue's schema answers (pg-boss installed and the database reachable). */
export async function queueReady(db: Kysely<Schema>): Promise<void> {
  await sql`select 1 from pgboss.version`.execute(db);
}

/** Jobs of the shared queue by queue name and state. */
export async function jobCounts(db: Kysely<Schema>): Promise<{ queue: string; state: string; n: number }[]> {
  const { rows } = await sql<{ name: string; state: string; n: string }>`
    select name, state, count(*) as n from pgboss.job group by name, state`.execute(db);
  return rows.map((r) => ({ queue: r.name, state: r.state, n: Number(r.n) }));
}

/** Jobs waiting to run (created, or waiting to retry), all queues. */
export async function queueDepth(db: Kysely<Schema>): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from pgboss.job where state in ('created', 'retry')`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Rows of `table` by status. */
export async function countsByStatus(
  db: Kysely<Schema>,
  table: 'sync_tasks' | 'scan_results',
): Promise<{ status: string; n: number }[]> {
  const rows = await db
    .selectFrom(table)
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('status')
    .execute();
  return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
}

/** Bytes of the sync tasks that ended SUCCESS, all time. */
export async function bytesCopied(db: Kysely<Schema>): Promise<number> {
  const r = await db
    .selectFrom('sync_tasks')
    .select((eb) => eb.fn.sum<string>('synced_size').as('bytes'))
    .where('status', '=', 'SUCCESS')
    .executeTakeFirst();
  return Number(r?.bytes ?? 0);
}

/** VACUUM and ANALYZE the image rows (PGlite has no autovacuum). */
export async function maintainImages(db: Kysely<Schema>): Promise<void> {
  await sql`VACUUM (ANALYZE) images`.execute(db);
}

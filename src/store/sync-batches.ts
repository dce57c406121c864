// Sync batches with what their tasks add up to (counts by status, bytes, last end), newest first, one page at a
// time: a batch is what one run of a rule, one sync request or one push started. Scoped like every store read.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Schema, SyncTaskStatus } from './schema.js';
import { inScope, type Scope } from './scope.js';

export type SyncBatchSummary = Selectable<Schema['sync_batches']> & {
  rule_id: string | null;
  tasks: number;
  by_status: Record<SyncTaskStatus, number>;
  total_size: number;
  synced_size: number;
  finished_at: Date | null;
};

const STATUSES: SyncTaskStatus[] = ['PENDING', 'SYNCHRONIZING', 'SUCCESS', 'ERROR', 'CANCELED'];

export async function listBatches(
  db: Kysely<Schema>,
  scope: Scope,
  page: { offset: number; limit: number },
): Promise<{ total: number; rows: SyncBatchSummary[] }> {
  const scoped = db.selectFrom('sync_batches').where(inScope(scope, 'sync_batches'));
  const { total } = await scoped.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const batches = scoped.selectAll().orderBy('created_at', 'desc').offset(page.offset).limit(page.limit);
  const rows = await db
    .selectFrom(batches.as('b'))
    .leftJoin('sync_tasks as t', 't.batch_id', 'b.id')
    .selectAll('b')
    .select([
      sql<string | null>`max(t.rule_id::text)`.as('rule_id'),
      sql<number>`count(t.id)::int`.as('tasks'),
      ...STATUSES.map((s) => sql<number>`count(t.id) filter (where t.status = ${s})::int`.as(s)),
      sql<number>`coalesce(sum(t.total_size), 0)::bigint`.as('total_size'),
      sql<number>`coalesce(sum(t.synced_size), 0)::bigint`.as('synced_size'),
      sql<Date | null>`max(t.finished_at)`.as('finished_at'),
    ])
    .groupBy([
      'b.id',
      'b.project_id',
      'b.enterprise_project_id',
      'b.sync_trigger',
      'b.origin',
      'b.created_by',
      'b.created_at',
    ])
    .orderBy('b.created_at', 'desc')
    .execute();
  return {
    total: Number(total),
    rows: rows.map((r) => {
      const row = r as typeof r & Record<SyncTaskStatus, number>;
      return {
        id: r.id,
        project_id: r.project_id,
        enterprise_project_id: r.enterprise_project_id,
        sync_trigger: r.sync_trigger,
        origin: r.origin,
        created_by: r.created_by,
        created_at: r.created_at,
        rule_id: r.rule_id,
        tasks: Number(r.tasks),
        by_status: Object.fromEntries(STATUSES.map((s) => [s, Number(row[s])])) as Record<SyncTaskStatus, number>,
        total_size: Number(r.total_size),
        synced_size: Number(r.synced_size),
        finished_at: r.finished_at === null ? null : new Date(r.finished_at),
      };
    }),
  };
}

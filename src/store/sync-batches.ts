// Sync batches with what their tasks add up to (counts by status, bytes, last end), newest first, one page at a
// time: a batch is what one run of a rule, one sync request or one push started. Scoped like every store read.
import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { Schema, SyncTaskStatus } from './schema.js';
import { inScope, isUuid, type Scope } from './scope.js';

export type SyncBatchSummary = Selectable<Schema['sync_batches']> & {
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
  return { total: Number(total), rows: await summarize(db, batches) };
}

/** One batch of `scope` with its counts; undefined for an unknown (or malformed) id. */
export async function getBatch(db: Kysely<Schema>, scope: Scope, id: string): Promise<SyncBatchSummary | undefined> {
  if (!isUuid(id)) return undefined;
  const batch = db.selectFrom('sync_batches').where(inScope(scope, 'sync_batches')).where('id', '=', id).selectAll();
  return (await summarize(db, batch))[0];
}

/** The batches `batches` selects, each with what its tasks add up to, newest first. */
async function summarize(
  db: Kysely<Schema>,
  batches: SelectQueryBuilder<Schema, 'sync_batches', Selectable<Schema['sync_batches']>>,
): Promise<SyncBatchSummary[]> {
  const rows = await db
    .selectFrom(batches.as('b'))
    .leftJoin('sync_tasks as t', 't.batch_id', 'b.id')
    .selectAll('b')
    .select([
      sql<number>`count(t.id)::int`.as('tasks'),
      ...STATUSES.map((s) => sql<number>`count(t.id) filter (where t.status = ${s})::int`.as(s)),
      sql<number>`coalesce(sum(t.total_size), 0)::bigint`.as('total_size'),
      sql<number>`coalesce(sum(t.synced_size), 0)::bigint`.as('synced_size'),
      sql<Date | null>`max(t.finished_at)`.as('finished_at'),
    ])
    .groupBy('b.id')
    .groupBy(['b.project_id', 'b.enterprise_project_id', 'b.sync_trigger', 'b.origin', 'b.created_by'])
    .groupBy(['b.created_at', 'b.rule_id', 'b.selection', 'b.selection_request', 'b.selection_detail'])
    .groupBy('b.mirror_deletes_at')
    .orderBy('b.created_at', 'desc')
    .execute();
  return rows.map((r) => {
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
      selection: r.selection,
      selection_request: r.selection_request,
      selection_detail: r.selection_detail,
      mirror_deletes_at: r.mirror_deletes_at,
      tasks: Number(r.tasks),
      by_status: Object.fromEntries(STATUSES.map((s) => [s, Number(row[s])])) as Record<SyncTaskStatus, number>,
      total_size: Number(r.total_size),
      synced_size: Number(r.synced_size),
      finished_at: r.finished_at === null ? null : new Date(r.finished_at),
    };
  });
}

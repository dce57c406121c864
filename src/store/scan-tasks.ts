// HSS image-scan tasks: which digests a request covers and how each ended. A digest scanned for several tasks at
// once is scanned once; each task sees the outcome (scan jobs are keyed by digest, see jobs/scan-jobs.ts).
import { type Kysely, type Selectable, sql } from 'kysely';
import type { ScanDigestStatus, Schema } from './schema.js';
import { inScope, isUuid, type Scope, writableEnterpriseProject } from './scope.js';

export type ScanTaskRow = Selectable<Schema['scan_tasks']>;

export interface ScanTaskCounts {
  total_num: number;
  success_num: number;
  failed_num: number;
  failed: Array<{ digest: string; failed_code: string | null }>;
}

export class ScanTaskStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(scope: Scope, t: { taskType: string; isAll: boolean; digests: string[] }): Promise<ScanTaskRow> {
    return this.db.transaction().execute(async (trx) => {
      const now = Date.now();
      const row = await trx
        .insertInto('scan_tasks')
        .values({
          project_id: scope.projectId,
          enterprise_project_id: writableEnterpriseProject(scope),
          task_type: t.taskType,
          is_all: t.isAll,
          begin_time: now,
          ...(t.digests.length === 0 ? { task_status: 'finished', end_time: now } : {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const digests = [...new Set(t.digests)];
      for (let i = 0; i < digests.length; i += 1000) {
        const chunk = digests.slice(i, i + 1000).map((digest) => ({ task_id: row.id, digest }));
        await trx.insertInto('scan_task_digests').values(chunk).execute();
      }
      return row;
    });
  }

  async get(scope: Scope, id: string): Promise<ScanTaskRow | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db
      .selectFrom('scan_tasks')
      .selectAll()
      .where(inScope(scope, 'scan_tasks'))
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async list(scope: Scope, f: { taskId?: string; offset: number; limit: number }) {
    let q = this.db.selectFrom('scan_tasks').where(inScope(scope, 'scan_tasks'));
    if (f.taskId) {
      if (!isUuid(f.taskId)) return { total: 0, rows: [] };
      q = q.where('id', '=', f.taskId);
    }
    const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await q.selectAll().orderBy('begin_time', 'desc').offset(f.offset).limit(f.limit).execute();
    return { total: Number(total), rows };
  }

  async counts(taskId: string): Promise<ScanTaskCounts> {
    const rows = await this.db
      .selectFrom('scan_task_digests')
      .select(['digest', 'status', 'failed_code'])
      .where('task_id', '=', taskId)
      .execute();
    const failed = rows.filter((r) => r.status === 'failed');
    return {
      total_num: rows.length,
      success_num: rows.filter((r) => r.status === 'success').length,
      failed_num: failed.length,
      failed: failed.map((r) => ({ digest: r.digest, failed_code: r.failed_code })),
    };
  }

  /** A digest's scan began or ended: every open task covering it is told, and tasks left with nothing open end. */
  async digestStatus(digest: string, status: ScanDigestStatus, failedCode?: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const touched = await trx
        .updateTable('scan_task_digests')
        .set({ status, failed_code: failedCode ?? null })
        .where('digest', '=', digest)
        .where('status', 'in', ['waiting', 'scanning'])
        .returning('task_id')
        .execute();
      if (status === 'scanning' || touched.length === 0) return;
      await trx
        .updateTable('scan_tasks')
        .set({ task_status: 'finished', end_time: Date.now() })
        .where('id', 'in', [...new Set(touched.map((t) => t.task_id))])
        .where('task_status', '=', 'running')
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('scan_task_digests as d')
                .select(sql`1`.as('one'))
                .whereRef('d.task_id', '=', 'scan_tasks.id')
                .where('d.status', 'in', ['waiting', 'scanning']),
            ),
          ),
        )
        .execute();
    });
  }

  /** Whether some task still wants `digest` scanned (a stopped task does not). */
  async wanted(digest: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('scan_task_digests')
      .select('task_id')
      .where('digest', '=', digest)
      .where('status', 'in', ['waiting', 'scanning'])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** StopImageScanTask: what has not started will not; false when the task had ended. */
  async stop(scope: Scope, id: string): Promise<boolean> {
    const task = await this.get(scope, id);
    if (task?.task_status !== 'running') return false;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('scan_task_digests')
        .set({ status: 'stopped' })
        .where('task_id', '=', id)
        .where('status', '=', 'waiting')
        .execute();
      await trx
        .updateTable('scan_tasks')
        .set({ task_status: 'stopped', end_time: Date.now() })
        .where('id', '=', id)
        .execute();
    });
    return true;
  }
}

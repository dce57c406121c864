// Inventory sync tasks and their registries (seed 000: sync_status running | finished | failed, failed_reason).
// A task is finished when none of its registries is still running.
import type { Kysely, Selectable } from 'kysely';
import type { Schema } from './schema.js';
import { inScope, type Scope, writableEnterpriseProject } from './scope.js';

export type InventoryTaskRow = Selectable<Schema['inventory_tasks']>;

export interface TaskRegistryFilter {
  registry_name?: string;
  registry_types?: string[];
  sync_status?: string;
  offset: number;
  limit: number;
}

export class InventoryTaskStore {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Records a task and its registries as running, in one transaction. */
  async create(scope: Scope, registryIds: string[], taskType: string): Promise<InventoryTaskRow> {
    const now = Date.now();
    return this.db.transaction().execute(async (trx) => {
      const task = await trx
        .insertInto('inventory_tasks')
        .values({
          project_id: scope.projectId,
          enterprise_project_id: writableEnterpriseProject(scope),
          task_type: taskType,
          task_status: 'running',
          begin_time: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('inventory_task_registries')
        .values(
          registryIds.map((registry_id) => ({
            task_id: task.id,
            registry_id,
            sync_status: 'running',
            started_at: now,
          })),
        )
        .execute();
      return task;
    });
  }

  async list(scope: Scope, offset: number, limit: number, taskId?: string) {
    let q = this.db.selectFrom('inventory_tasks').where(inScope(scope, 'inventory_tasks'));
    if (taskId) q = q.where('id', '=', taskId);
    const [{ total }] = (await q.select((eb) => eb.fn.countAll<number>().as('total')).execute()) as [{ total: number }];
    const rows = await q.selectAll().orderBy('begin_time', 'desc').offset(offset).limit(limit).execute();
    const counts = await this.registryCounts(rows.map((r) => r.id));
    return {
      total: Number(total),
      rows: rows.map((r) => ({ ...r, ...(counts.get(r.id) ?? { finished: 0, failed: 0, total: 0 }) })),
    };
  }

  async get(scope: Scope, taskId: string): Promise<InventoryTaskRow | undefined> {
    return this.db
      .selectFrom('inventory_tasks')
      .selectAll()
      .where(inScope(scope, 'inventory_tasks'))
      .where('id', '=', taskId)
      .executeTakeFirst();
  }

  /** The task's registries (seed 000), after checking the task is in scope. */
  async registries(scope: Scope, taskId: string, f: TaskRegistryFilter) {
    let q = this.db
      .selectFrom('inventory_task_registries as t')
      .innerJoin('registries as r', 'r.id', 't.registry_id')
      .innerJoin('inventory_tasks as k', 'k.id', 't.task_id')
      .where(inScope(scope, 'k'))
      .where('t.task_id', '=', taskId);
    if (f.registry_name) q = q.where('r.registry_name', '=', f.registry_name);
    if (f.registry_types?.length) q = q.where('r.registry_type', 'in', f.registry_types);
    if (f.sync_status) q = q.where('t.sync_status', '=', f.sync_status);
    const [{ total }] = (await q.select((eb) => eb.fn.countAll<number>().as('total')).execute()) as [{ total: number }];
    const rows = await q
      .select(['t.registry_id', 'r.registry_name', 'r.registry_type', 't.sync_status', 't.failed_reason'])
      .orderBy('r.registry_name')
      .offset(f.offset)
      .limit(f.limit)
      .execute();
    return { total: Number(total), rows };
  }

  /** Records one registry's outcome and closes the task when it was the last one running. */
  async finishRegistry(
    taskId: string,
    registryId: string,
    /** A finished crawl may carry a reason too: the tags it could not read. */
    outcome: { status: 'finished'; reason?: string } | { status: 'failed'; reason: string },
    imagesSeen = 0,
  ) {
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('inventory_task_registries')
        .set({
          sync_status: outcome.status,
          failed_reason: outcome.reason ?? null,
          finished_at: now,
          images_seen: imagesSeen,
        })
        .where('task_id', '=', taskId)
        .where('registry_id', '=', registryId)
        .execute();
      const running = await trx
        .selectFrom('inventory_task_registries')
        .select('registry_id')
        .where('task_id', '=', taskId)
        .where('sync_status', '=', 'running')
        .executeTakeFirst();
      if (!running)
        await trx
          .updateTable('inventory_tasks')
          .set({ task_status: 'finished', end_time: now })
          .where('id', '=', taskId)
          .execute();
    });
  }

  private async registryCounts(taskIds: string[]) {
    const out = new Map<string, { finished: number; failed: number; total: number }>();
    if (taskIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('inventory_task_registries')
      .select(['task_id', 'sync_status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('task_id', 'in', taskIds)
      .groupBy(['task_id', 'sync_status'])
      .execute();
    for (const r of rows) {
      const c = out.get(r.task_id) ?? { finished: 0, failed: 0, total: 0 };
      if (r.sync_status === 'finished') c.finished += Number(r.n);
      if (r.sync_status === 'failed') c.failed += Number(r.n);
      c.total += Number(r.n);
      out.set(r.task_id, c);
    }
    return out;
  }
}

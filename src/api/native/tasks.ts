// Sync batches and tasks through the native API: list tasks and batches (with counts), read, cancel, retry a
// batch's failed tasks.

import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { TASK_ISSUES, type TaskIssue } from '../../replication/task-issue.js';
import { cancelTask, retryBatch } from '../../services/replication.js';
import type { SyncTaskStatus } from '../../store/schema.js';
import { isUuid } from '../../store/scope.js';
import { getBatch, listBatches, type SyncBatchSummary } from '../../store/sync-batches.js';
import type { SyncTaskRow } from '../../store/sync-tasks.js';
import { ApiError, notFound } from './errors.js';
import { nativeScope } from './rules.js';

export function taskView(t: SyncTaskRow) {
  return {
    id: t.id,
    task_id: t.task_id,
    batch_id: t.batch_id,
    rule_id: t.rule_id,
    trigger: t.sync_trigger,
    status: t.status,
    issue: t.issue,
    issue_description: t.issue ? (TASK_ISSUES[t.issue as TaskIssue] ?? null) : null,
    issue_detail: t.issue_detail,
    retrying: t.retrying,
    attempts: t.attempts,
    source: {
      registry_id: t.source_registry_id,
      namespace: t.source_namespace,
      repository: t.source_repository,
      tag: t.source_tag,
      digest: t.source_digest,
    },
    target: {
      registry_id: t.target_registry_id,
      namespace: t.target_namespace,
      repository: t.target_repository,
      tag: t.target_tag,
    },
    override: t.override,
    platforms: t.platforms,
    total_size: t.total_size,
    synced_size: t.synced_size,
    layers: t.layers,
    created_at: t.created_at.toISOString(),
    updated_at: t.updated_at.toISOString(),
    started_at: t.started_at?.toISOString() ?? null,
    finished_at: t.finished_at?.toISOString() ?? null,
  };
}

interface TaskQuery {
  batch_id?: string;
  status?: SyncTaskStatus;
  offset: number;
  limit: number;
}

export function registerTaskRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: TaskQuery }>(
    '/tasks',
    {
      schema: {
        tags: ['tasks'],
        querystring: {
          type: 'object',
          properties: {
            batch_id: { type: 'string' },
            status: { type: 'string', enum: ['PENDING', 'SYNCHRONIZING', 'SUCCESS', 'ERROR', 'CANCELED'] },
            offset: { type: 'integer', minimum: 0, maximum: 2_000_000, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      const { total, rows } = await ctx.syncTasks.list(nativeScope(request), {
        batchId: q.batch_id,
        status: q.status,
        offset: q.offset,
        limit: q.limit,
      });
      return { total, tasks: rows.map(taskView) };
    },
  );

  app.get<{ Params: { id: string } }>('/tasks/:id', { schema: { tags: ['tasks'] } }, async (request) => {
    const task = await ctx.syncTasks.get(nativeScope(request), request.params.id);
    if (!task) throw notFound('task');
    return taskView(task);
  });

  app.post<{ Params: { id: string } }>('/tasks/:id/cancel', { schema: { tags: ['tasks'] } }, async (request) => {
    const { task, canceled } = await cancelTask(ctx, nativeScope(request), request.params.id);
    if (!canceled) throw new ApiError(409, 'TASK_ENDED', `the task has already ended (${task.status})`);
    return { id: task.id, status: 'CANCELED' };
  });

  app.get<{ Querystring: { offset: number; limit: number } }>(
    '/batches',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Sync batches, newest first, with their tasks counted by status',
        querystring: {
          type: 'object',
          properties: {
            offset: { type: 'integer', minimum: 0, maximum: 2_000_000, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
          },
        },
      },
    },
    async (request) => {
      const { total, rows } = await listBatches(ctx.db, nativeScope(request), request.query);
      return {
        total,
        batches: rows.map(batchView),
      };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/batches/:id',
    {
      schema: {
        tags: ['tasks'],
        summary: 'One sync batch: its selection (a rule run selects in the background) and counts',
      },
    },
    async (request) => {
      const batch = await getBatch(ctx.db, nativeScope(request), request.params.id);
      if (!batch) throw notFound('batch');
      return batchView(batch);
    },
  );

  app.post<{ Params: { id: string } }>('/batches/:id/retry', { schema: { tags: ['tasks'] } }, async (request) => {
    if (!isUuid(request.params.id)) throw notFound('batch');
    const retried = await retryBatch(ctx, nativeScope(request), request.params.id);
    return { batch_id: request.params.id, retried };
  });
}

/**
 * A batch as the API shows it. `selection` is SELECTING while a rule run lists its images (no tasks yet), FAILED
 * with `selection_detail` when it could not; `finished_at` is set once it is SELECTED and no task is open.
 */
function batchView(b: SyncBatchSummary) {
  const open = b.selection === 'SELECTING' || b.by_status.PENDING + b.by_status.SYNCHRONIZING > 0;
  return {
    id: b.id,
    rule_id: b.rule_id,
    trigger: b.sync_trigger,
    origin: b.origin,
    created_by: b.created_by,
    created_at: b.created_at.toISOString(),
    selection: b.selection,
    selection_detail: b.selection_detail,
    tasks: b.tasks,
    by_status: b.by_status,
    total_size: b.total_size,
    synced_size: b.synced_size,
    finished_at: open ? null : (b.finished_at?.toISOString() ?? b.created_at.toISOString()),
  };
}

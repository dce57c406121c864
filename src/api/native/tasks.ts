// Sync batches and tasks through the native API: list tasks and batches (with counts), read, cancel, retry a
// batch's failed tasks.

import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { TASK_ISSUES, type TaskIssue } from '../../replication/task-issue.js';
import { cancelTask, retryBatch } from '../../services/replication.js';
import { isUuid } from '../../store/scope.js';
import { getBatch, listBatches, type SyncBatchSummary } from '../../store/sync-batches.js';
import type { SyncTaskRow } from '../../store/sync-tasks.js';
import { typed } from '../typed.js';
import { ApiError, notFound } from './errors.js';
import { nativeScope } from './rules.js';
import {
  arrayOf,
  batchSelection,
  bool,
  idParams,
  int,
  isoTime,
  nullableStr,
  nullableStrings,
  nullableTime,
  str,
  syncTrigger,
  view,
} from './schemas.js';

const taskStatus = { type: 'string', enum: ['PENDING', 'SYNCHRONIZING', 'SUCCESS', 'ERROR', 'CANCELED'] } as const;

/** One blob of a task and how far its copy is. */
const layerSchema = view({
  digest: str,
  size: int,
  synced: int,
  status: { type: 'string', enum: ['PENDING', 'SYNCHRONIZING', 'SUCCESS', 'EXISTS'] },
});

/** taskView's shape. */
export const taskSchema = view({
  id: str,
  task_id: str,
  batch_id: str,
  rule_id: nullableStr,
  trigger: syncTrigger,
  status: taskStatus,
  issue: nullableStr,
  issue_description: nullableStr,
  issue_detail: nullableStr,
  retrying: nullableStr,
  attempts: int,
  source: view({ registry_id: str, namespace: str, repository: str, tag: str, digest: nullableStr }),
  target: view({ registry_id: str, namespace: str, repository: str, tag: str }),
  override: bool,
  platforms: nullableStrings,
  total_size: int,
  synced_size: int,
  layers: arrayOf(layerSchema),
  created_at: isoTime,
  updated_at: isoTime,
  started_at: nullableTime,
  finished_at: nullableTime,
});

/** batchView's shape. */
const batchSchema = view({
  id: str,
  rule_id: nullableStr,
  trigger: syncTrigger,
  origin: str,
  created_by: str,
  created_at: isoTime,
  selection: batchSelection,
  selection_detail: nullableStr,
  tasks: int,
  by_status: view({ PENDING: int, SYNCHRONIZING: int, SUCCESS: int, ERROR: int, CANCELED: int }),
  total_size: int,
  synced_size: int,
  finished_at: nullableTime,
});

const offset = { type: 'integer', minimum: 0, maximum: 2_000_000, default: 0 } as const;

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

export function registerTaskRoutes(app: FastifyInstance, ctx: AppContext): void {
  typed(app).get(
    '/tasks',
    {
      config: { access: 'read' },
      schema: {
        tags: ['tasks'],
        querystring: {
          type: 'object',
          properties: {
            batch_id: { type: 'string' },
            status: taskStatus,
            offset,
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
          },
        },
        response: {
          200: { description: 'Sync tasks, newest first', ...view({ total: int, tasks: arrayOf(taskSchema) }) },
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

  typed(app).get(
    '/tasks/:id',
    {
      config: { access: 'read' },
      schema: { tags: ['tasks'], params: idParams, response: { 200: { description: 'The task', ...taskSchema } } },
    },
    async (request) => {
      const task = await ctx.syncTasks.get(nativeScope(request), request.params.id);
      if (!task) throw notFound('task');
      return taskView(task);
    },
  );

  typed(app).post(
    '/tasks/:id/cancel',
    {
      config: { access: 'write' },
      schema: {
        tags: ['tasks'],
        params: idParams,
        response: {
          200: {
            description: 'The task, canceled',
            ...view({ id: str, status: { type: 'string', enum: ['CANCELED'] } }),
          },
        },
      },
    },
    async (request) => {
      const { task, canceled } = await cancelTask(ctx, nativeScope(request), request.params.id);
      if (!canceled) throw new ApiError(409, 'TASK_ENDED', `the task has already ended (${task.status})`);
      return { id: task.id, status: 'CANCELED' as const };
    },
  );

  typed(app).get(
    '/batches',
    {
      config: { access: 'read' },
      schema: {
        tags: ['tasks'],
        summary: 'Sync batches, newest first, with their tasks counted by status',
        querystring: {
          type: 'object',
          properties: { offset, limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 } },
        },
        response: {
          200: { description: 'Sync batches, newest first', ...view({ total: int, batches: arrayOf(batchSchema) }) },
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

  typed(app).get(
    '/batches/:id',
    {
      config: { access: 'read' },
      schema: {
        tags: ['tasks'],
        summary: 'One sync batch: its selection (a rule run selects in the background) and counts',
        params: idParams,
        response: { 200: { description: 'The batch', ...batchSchema } },
      },
    },
    async (request) => {
      const batch = await getBatch(ctx.db, nativeScope(request), request.params.id);
      if (!batch) throw notFound('batch');
      return batchView(batch);
    },
  );

  typed(app).post(
    '/batches/:id/retry',
    {
      config: { access: 'write' },
      schema: {
        tags: ['tasks'],
        params: idParams,
        response: {
          200: {
            description: "How many of the batch's failed tasks were queued again",
            ...view({ batch_id: str, retried: int }),
          },
        },
      },
    },
    async (request) => {
      if (!isUuid(request.params.id)) throw notFound('batch');
      const retried = await retryBatch(ctx, nativeScope(request), request.params.id);
      return { batch_id: request.params.id, retried };
    },
  );
}

/**
 * A batch as the API shows it. `selection` is SELECTING while a rule run lists its images (no tasks yet), FAILED
 * with `selection_detail` when it could not; `finished_at` is set once it is SELECTED and no task is open.
 */
export function batchView(b: SyncBatchSummary) {
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

// Inventory sync tasks: CreateImageSynchronizeTask, the task list (ListImageScanTask with type=image_sync) and
// a task's registries (seed 000).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { requestInventorySync } from '../../services/inventory.js';
import { isUuid } from '../../store/scope.js';
import { typed } from '../typed.js';
import { invalidParameter, notFound } from './errors.js';
import {
  enterpriseProject,
  epQuery,
  integer,
  limit,
  listResponse,
  offset,
  projectParams,
  registryTypeEnum,
  registryTypeList,
  scopeOf,
  string,
} from './params.js';
import { listScanTasks } from './scan-tasks.js';

/** One task of ListImageScanTask: an inventory sync (type=image_sync) or a scan task (type=image_scan). */
const imageTaskInfo = {
  type: 'object',
  properties: {
    task_id: string,
    task_name: string,
    task_type: string,
    sync_task_type: { ...string, description: 'image_sync only' },
    image_type: { ...string, description: 'image_scan only' },
    task_status: string,
    is_all: { type: 'boolean', description: 'image_scan only' },
    begin_time: integer,
    end_time: integer,
    total_num: integer,
    success_num: integer,
    failed_num: integer,
    failed_images: {
      description: 'image_scan only: up to 100 digests that failed, with the seed 003 code why',
      type: 'array',
      items: { type: 'object', properties: { image_digest: string, failed_reason: string } },
    },
  },
} as const;

/** AssociateRegistriesResponseInfo (seed 000), field for field. */
const associateRegistriesInfo = {
  type: 'object',
  properties: {
    registry_id: string,
    registry_name: string,
    registry_type: string,
    sync_status: { ...string, description: 'finished, running or failed' },
    failed_reason: string,
  },
} as const;

export function registerInventoryRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = typed(fastify);
  app.post(
    '/image/image-sync/tasks',
    {
      config: { access: 'write' },
      schema: {
        summary: 'CreateImageSynchronizeTask',
        params: projectParams,
        querystring: epQuery,
        body: {
          type: 'object',
          properties: {
            sync_all_registries: { type: 'boolean' },
            registry_info: {
              type: 'array',
              maxItems: 200,
              items: {
                type: 'object',
                required: ['registry_id'],
                properties: {
                  registry_id: { type: 'string', minLength: 1, maxLength: 64 },
                  registry_type: { type: 'string', enum: registryTypeEnum },
                },
              },
            },
          },
        },
        response: {
          200: {
            description: "HSS answers an empty body; Regatta adds the task's id for the task APIs",
            type: 'object',
            properties: { task_id: string },
          },
        },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const body = request.body ?? {};
      const all = body.sync_all_registries === true;
      if (!all && !body.registry_info?.length) throw invalidParameter('give sync_all_registries=true or registry_info');
      const { rows } = await ctx.registries.list(scope, { offset: 0, limit: 10_000 });
      const wanted = all ? rows : rows.filter((r) => body.registry_info!.some((i) => i.registry_id === r.id));
      const missing = all ? [] : body.registry_info!.filter((i) => !rows.some((r) => r.id === i.registry_id));
      if (missing.length > 0) throw notFound(`registry ${missing[0]!.registry_id}`);
      if (wanted.length === 0) throw invalidParameter('no registry to synchronize');
      const task = await requestInventorySync(
        ctx,
        scope,
        wanted.map((r) => r.id),
      );
      // HSS answers an empty body; the task id is Regatta's addition, for the task APIs.
      return { task_id: task.id };
    },
  );

  app.get(
    '/image/tasks',
    {
      config: { access: 'read' },
      schema: {
        summary: 'ListImageScanTask (type=image_sync or image_scan)',
        params: projectParams,
        querystring: {
          type: 'object',
          required: ['type'],
          properties: {
            enterprise_project_id: enterpriseProject,
            type: { type: 'string', enum: ['image_sync', 'image_scan'] },
            task_id: { type: 'string', maxLength: 64 },
            offset,
            limit: limit(10),
          },
        },
        response: { 200: { description: 'Tasks, newest first', ...listResponse(imageTaskInfo) } },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.type === 'image_scan') return listScanTasks(ctx, scopeOf(request), q);
      if (q.task_id && !isUuid(q.task_id)) return { total_num: 0, data_list: [] };
      const { total, rows } = await ctx.inventoryTasks.list(scopeOf(request), q.offset, q.limit, q.task_id);
      return {
        total_num: total,
        data_list: rows.map((t) => ({
          task_id: t.id,
          task_name: `image-sync-${t.id.slice(0, 8)}`,
          task_type: t.task_type,
          sync_task_type: t.task_type,
          task_status: t.task_status,
          begin_time: Number(t.begin_time),
          end_time: t.end_time === null ? undefined : Number(t.end_time),
          total_num: t.total,
          success_num: t.finished,
          failed_num: t.failed,
        })),
      };
    },
  );

  app.get(
    '/image/image-sync/tasks/:task_id/registries',
    {
      config: { access: 'read' },
      schema: {
        summary: 'ListAssociateRegistries',
        params: {
          type: 'object',
          required: ['project_id', 'task_id'],
          properties: { ...projectParams.properties, task_id: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        querystring: {
          type: 'object',
          properties: {
            enterprise_project_id: enterpriseProject,
            registry_name: { type: 'string', minLength: 1, maxLength: 128 },
            registry_type: registryTypeList,
            offset,
            limit: limit(10),
            sync_status: { type: 'string', enum: ['finished', 'running', 'failed'] },
          },
        },
        response: { 200: { description: "The task's registries", ...listResponse(associateRegistriesInfo) } },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const taskId = request.params.task_id;
      if (!isUuid(taskId) || !(await ctx.inventoryTasks.get(scope, taskId))) throw notFound(`task ${taskId}`);
      const q = request.query;
      const { total, rows } = await ctx.inventoryTasks.registries(scope, taskId, {
        ...q,
        registry_types: q.registry_type?.split(','),
      });
      return {
        total_num: total,
        data_list: rows.map((r) => ({ ...r, failed_reason: r.failed_reason ?? undefined })),
      };
    },
  );
}

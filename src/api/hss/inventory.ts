// Inventory sync tasks: CreateImageSynchronizeTask, the task list (ListImageScanTask with type=image_sync) and
// a task's registries (seed 000).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { requestInventorySync } from '../../services/inventory.js';
import { isUuid } from '../../store/scope.js';
import { invalidParameter, notFound } from './errors.js';
import {
  enterpriseProject,
  limit,
  offset,
  projectParams,
  registryTypeEnum,
  registryTypeList,
  scopeOf,
} from './params.js';
import { listScanTasks } from './scan-tasks.js';

interface CreateBody {
  sync_all_registries?: boolean;
  registry_info?: { registry_id: string; registry_type?: string }[];
}

export function registerInventoryRoutes(app: FastifyInstance, ctx: AppContext): void {
  const epQuery = { type: 'object', properties: { enterprise_project_id: enterpriseProject } } as const;

  app.post<{ Params: { project_id: string }; Querystring: { enterprise_project_id?: string }; Body: CreateBody }>(
    '/image/image-sync/tasks',
    {
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

  app.get<{
    Params: { project_id: string };
    Querystring: { enterprise_project_id?: string; type: string; task_id?: string; offset: number; limit: number };
  }>(
    '/image/tasks',
    {
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

  app.get<{
    Params: { project_id: string; task_id: string };
    Querystring: {
      enterprise_project_id?: string;
      registry_name?: string;
      registry_type?: string;
      offset: number;
      limit: number;
      sync_status?: string;
    };
  }>(
    '/image/image-sync/tasks/:task_id/registries',
    {
      schema: {
        summary: 'ListAssociateRegistries',
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

// BatchScan (HSS BatchScanSwrImage, `POST /image/batch-scan`): scan a list of images named by namespace, name and
// tag (and instance id), or every image that matches the filters when `operate_all` is true. Like
// CreateManualImageScanTask it records a scan task over their digests; `{task_id}` says which.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { requestScans } from '../../services/scanning.js';
import { type ScanTarget, scanTargets } from '../../store/images-query.js';
import { typed } from '../typed.js';
import { invalidParameter, notFound } from './errors.js';
import { imageFilterProperties } from './images.js';
import { epQuery, projectParams, scopeOf } from './params.js';
import { MAX_TASK_DIGESTS, targetsOf, taskIdResponse } from './scans.js';

export function registerBatchScanRoute(app: FastifyInstance, ctx: AppContext): void {
  typed(app).post(
    '/image/batch-scan',
    {
      config: { access: 'write' },
      schema: {
        summary: 'BatchScanSwrImage',
        params: projectParams,
        querystring: epQuery,
        body: {
          type: 'object',
          properties: {
            ...imageFilterProperties,
            repo_type: { type: 'string', maxLength: 32 },
            operate_all: { type: 'boolean' },
            image_info_list: {
              type: 'array',
              maxItems: 1000,
              items: {
                type: 'object',
                properties: {
                  namespace: { type: 'string', maxLength: 64 },
                  image_name: { type: 'string', maxLength: 128 },
                  image_version: { type: 'string', maxLength: 64 },
                  instance_id: { type: 'string', maxLength: 128 },
                },
              },
            },
          },
        },
        response: { 200: taskIdResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const { operate_all, image_info_list, repo_type: _repoType, ...filters } = request.body ?? {};
      let targets: ScanTarget[];
      if (operate_all) targets = await scanTargets(ctx.db, scope, filters, MAX_TASK_DIGESTS);
      else if (image_info_list?.length) {
        const infos = [];
        for (const { instance_id, ...image } of image_info_list) {
          const registry = instance_id ? await ctx.registries.byLocator(scope, 'instance_id', instance_id) : undefined;
          if (instance_id && !registry) throw notFound(`instance ${instance_id}`);
          infos.push({ ...image, ...(registry ? { registry_id: registry.id } : {}) });
        }
        targets = await targetsOf(ctx, scope, infos);
      } else throw invalidParameter('give image_info_list or operate_all');
      const task = await requestScans(ctx, scope, { taskType: 'manual', isAll: Boolean(operate_all), targets });
      return { task_id: task.id };
    },
  );
}

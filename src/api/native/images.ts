// GET /api/v1/images/{id}: one image row by its id, in ListRegistryImages' RegistryImagesInfo shape (HSS has no
// way to read a row by id; the console's image page needs one that survives a reload). Scoped like every read.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { listImages } from '../../store/images-query.js';
import { toRegistryImagesInfo } from '../hss/images.js';
import { notFound } from './errors.js';
import { nativeScope } from './rules.js';

export function registerImageRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: number } }>(
    '/images/:id',
    {
      schema: {
        tags: ['images'],
        summary: 'One image row by its id (RegistryImagesInfo)',
        params: {
          type: 'object',
          properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
        },
      },
    },
    async (request) => {
      const { rows } = await listImages(ctx.db, nativeScope(request), {
        ids: [request.params.id],
        offset: 0,
        limit: 1,
      });
      if (!rows[0]) throw notFound('image');
      return toRegistryImagesInfo(rows[0]);
    },
  );
}

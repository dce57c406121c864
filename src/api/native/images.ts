// GET /api/v1/images/{id}: one image row by its id, in ListRegistryImages' RegistryImagesInfo shape (HSS has no
// way to read a row by id; the console's image page needs one that survives a reload). GET /api/v1/images
// ?vulnerability=CVE-X: every image, in every registry of the project, whose digest's last scan found CVE-X (or
// a record aliasing it), newest first, paged. Scoped like every read.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { listImages } from '../../store/images-query.js';
import { registryImagesInfo, toRegistryImagesInfo } from '../hss/images.js';
import { listResponse } from '../hss/params.js';
import { typed } from '../typed.js';
import { notFound } from './errors.js';
import { nativeScope } from './rules.js';

/** A vulnerability id as advisories write them: CVE-2024-1234, GHSA-xxxx-xxxx-xxxx, DSA-5000-1, ALPINE-…. */
const VULNERABILITY_ID = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';

export function registerImageRoutes(app: FastifyInstance, ctx: AppContext): void {
  typed(app).get(
    '/images',
    {
      config: { access: 'read' },
      schema: {
        tags: ['images'],
        summary: 'Images affected by a vulnerability, across every registry (RegistryImagesInfo rows)',
        querystring: {
          type: 'object',
          required: ['vulnerability'],
          properties: {
            vulnerability: { type: 'string', pattern: VULNERABILITY_ID },
            offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          },
        },
        response: {
          200: {
            description: 'The affected images, newest first',
            ...listResponse(registryImagesInfo),
          },
        },
      },
    },
    async (request) => {
      const { total, rows } = await listImages(ctx.db, nativeScope(request), request.query);
      return { total_num: total, data_list: rows.map(toRegistryImagesInfo) };
    },
  );

  typed(app).get(
    '/images/:id',
    {
      config: { access: 'read' },
      schema: {
        tags: ['images'],
        summary: 'One image row by its id (RegistryImagesInfo)',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } },
        },
        response: { 200: { description: 'The image row', ...registryImagesInfo } },
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

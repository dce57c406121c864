// The SWR facade under /v2/manage: the image sync APIs of SWR v2, field for field, over Regatta's sync rules and
// tasks. Authenticated as HSS is (X-Auth-Token or an AK/SK signature); every error in SWR's envelope (errors.ts).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { SwrError, swrErrorBody, swrErrorHandler } from './errors.js';
import { registerSyncJobRoutes } from './sync-jobs.js';
import { registerSyncRepoRoutes } from './sync-repo.js';

export interface SwrOptions {
  /** This server's SWR region: the region_id of the registry whose organizations it serves. */
  region?: string;
}

export async function registerSwrApi(app: FastifyInstance, ctx: AppContext, opts: SwrOptions): Promise<void> {
  app.setErrorHandler(swrErrorHandler);
  app.setNotFoundHandler((request, reply) => {
    const e = new SwrError(
      404,
      'SVCSTG.SWR.4040083',
      `The requested URL cannot be found: ${request.method} ${request.url}`,
    );
    void reply.status(e.status).send(swrErrorBody(e.code, e.message));
  });
  registerSyncRepoRoutes(app, ctx, opts.region);
  registerSyncJobRoutes(app, ctx, opts.region);
}

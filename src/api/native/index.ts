// Regatta's own API under /api/v1: rules (and their dry run), tasks, push events, what the console reads.
// Authenticated like every facade (X-Auth-Token or an AK/SK signature); errors in the native envelope (errors.ts).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { authenticate } from '../auth/authenticate.js';
import { nativeErrorHandler } from './errors.js';
import { registerEventRoutes } from './events.js';
import { registerImageRoutes } from './images.js';
import { registerOverviewRoutes, type ServerPolicy } from './overview.js';
import { registerRulePreviewRoute } from './rule-preview.js';
import { registerRuleRoutes } from './rules.js';
import { registerTaskRoutes } from './tasks.js';
import { registerVulndbRoutes } from './vulndb.js';

export async function registerNativeApi(app: FastifyInstance, ctx: AppContext, policy: ServerPolicy): Promise<void> {
  app.setErrorHandler(nativeErrorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      code: 'NOT_FOUND',
      message: `no such route: ${request.method} ${request.url.slice(0, 200)}`,
      request_id: String(request.id),
    });
  });
  // Before validation: an unauthenticated caller learns nothing about what a valid request looks like.
  app.addHook('preValidation', async (request) => {
    request.identity = await authenticate(request, ctx.identities);
  });
  registerEventRoutes(app, ctx);
  registerRuleRoutes(app, ctx);
  registerTaskRoutes(app, ctx);
  registerRulePreviewRoute(app, ctx);
  registerImageRoutes(app, ctx);
  registerOverviewRoutes(app, ctx, policy);
  registerVulndbRoutes(app, ctx, policy);
}

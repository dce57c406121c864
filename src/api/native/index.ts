// Regatta's own API under /api/v1: rules (and their dry run), tasks, push events, what the console reads.
// Identity: projects, people, members, credentials, sign-in and the audit log. Every route declares its
// permission (auth/access.ts); errors in the native envelope (errors.ts).
import type { FastifyInstance } from 'fastify';
import type { OidcConfig } from '../../app/config.js';
import type { AppContext } from '../../app/context.js';
import { registerAuditRoutes } from './audit.js';
import { registerCredentialRoutes } from './credentials.js';
import { registerDriftRoutes } from './drift.js';
import { nativeErrorHandler } from './errors.js';
import { registerEventRoutes } from './events.js';
import { registerImageRoutes } from './images.js';
import { registerMemberRoutes } from './members.js';
import { registerMirrorDeleteRoutes } from './mirror-deletes.js';
import { registerOidcRoutes } from './oidc.js';
import { registerOverviewRoutes, type ServerPolicy } from './overview.js';
import { registerProjectRoutes } from './projects.js';
import { registerRulePreviewRoute } from './rule-preview.js';
import { registerRuleRoutes } from './rules.js';
import { registerSessionRoutes } from './session.js';
import { registerTaskRoutes } from './tasks.js';
import { registerTrustedKeyRoutes } from './trusted-keys.js';
import { registerVulndbRoutes } from './vulndb.js';

export async function registerNativeApi(
  app: FastifyInstance,
  ctx: AppContext,
  policy: ServerPolicy,
  opts: { sessionHours: number; oidc?: OidcConfig },
): Promise<void> {
  app.setErrorHandler(nativeErrorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      code: 'NOT_FOUND',
      message: `no such route: ${request.method} ${request.url.slice(0, 200)}`,
      request_id: String(request.id),
    });
  });
  registerEventRoutes(app, ctx);
  registerRuleRoutes(app, ctx);
  registerTaskRoutes(app, ctx);
  registerRulePreviewRoute(app, ctx);
  registerImageRoutes(app, ctx);
  registerOverviewRoutes(app, ctx, policy);
  registerVulndbRoutes(app, ctx, policy);
  registerProjectRoutes(app, ctx);
  registerMemberRoutes(app, ctx);
  registerCredentialRoutes(app, ctx);
  registerSessionRoutes(app, ctx, opts.sessionHours);
  registerOidcRoutes(app, ctx, opts);
  registerAuditRoutes(app, ctx);
  registerDriftRoutes(app, ctx);
  registerTrustedKeyRoutes(app, ctx);
  registerMirrorDeleteRoutes(app, ctx);
}

// The one gate of every request: before validation (an unauthenticated caller learns nothing about what a valid
// request looks like), the route's declared permission (access.ts) is read; unless the route is public, the
// caller is authenticated (authenticate.ts) and authorised for the project the request names, and
// `request.identity` is set. Errors reach the route's own facade error handler, so each family answers in its
// own format (HSS 403 HSS.0010, SWR SVCSTG.SWR.4030000, native FORBIDDEN; ACR authorises per action itself).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { ForbiddenError } from '../../errors.js';
import type { Caller, Identity } from '../../store/identities.js';
import { authorize, type Permission } from './access.js';
import { authenticate } from './authenticate.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller before authorisation (the audit log names it even when refused). */
    caller?: Caller;
  }
}

/** HSS names the project in its path; every other family in the X-Project-Id header (Huawei's SDKs send it). */
export function namedProject(request: FastifyRequest): string | undefined {
  const fromPath = (request.params as { project_id?: unknown } | undefined)?.project_id;
  if (typeof fromPath === 'string') return fromPath;
  const header = request.headers['x-project-id'];
  return typeof header === 'string' && header !== '' ? header : undefined;
}

/** The declared permission of the request's route; a route without one is refused (fail closed). */
export function permissionOf(request: FastifyRequest): Permission {
  const access = request.routeOptions.config.access;
  if (!access) throw new Error(`route ${request.routeOptions.url} declares no permission`);
  return access;
}

export interface GuardOptions {
  /** The token Prometheus scrapes /metrics with (REGATTA_METRICS_TOKEN): that route and nothing else. */
  metricsToken?: string;
}

export function registerGuard(app: FastifyInstance, ctx: AppContext, opts: GuardOptions = {}): void {
  app.addHook('preValidation', async (request) => {
    // Fastify's 404 handler has no route: the facades' not-found answers need no identity.
    if (request.is404) return;
    const permission = permissionOf(request);
    if (permission === 'public' || permission === 'per-action') return;
    if (permission === 'metrics' && scrapeTokenGiven(request, opts.metricsToken)) return;
    request.caller = await authenticate(request, ctx.identities);
    request.identity = await authorizeRequest(ctx, request.caller, permission, namedProject(request));
  });
}

/**
 * `authorize`, and for a superadmin acting in a project it is no member of, a check that the project exists (a
 * member's role is proof enough): the one authorisation of every route, ACR's actions included.
 */
export async function authorizeRequest(
  ctx: AppContext,
  caller: Caller,
  permission: Permission,
  named: string | undefined,
): Promise<Identity> {
  const identity = authorize(caller, permission, named);
  if (identity.projectId && identity.role && !caller.roles.has(identity.projectId)) {
    if (!(await ctx.projects.exists(identity.projectId))) throw new ForbiddenError(`no project ${identity.projectId}`);
  }
  return identity;
}

/** Whether the request carries the scrape token (Bearer or X-Auth-Token), compared in constant time. */
function scrapeTokenGiven(request: FastifyRequest, expected: string | undefined): boolean {
  if (!expected) return false;
  const auth = request.headers.authorization;
  const given = request.headers['x-auth-token'] ?? (typeof auth === 'string' ? auth.replace(/^Bearer /i, '') : '');
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, createHash('sha256').update(expected).digest());
}

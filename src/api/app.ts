// The HTTP server: one Fastify app, one plugin per facade. Every response carries X-Request-Id; every facade
// route is authenticated; the OpenAPI document is at /openapi.json and a docs page at /docs.

import { randomUUID } from 'node:crypto';
import ajvCompiler from '@fastify/ajv-compiler';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { OidcConfig } from '../app/config.js';
import type { AppContext } from '../app/context.js';
import type { AcrAuthOptions } from './acr/authenticate.js';
import { registerAcrApi } from './acr/index.js';
import type { Permission } from './auth/access.js';
import { registerAudit } from './auth/audit-hook.js';
import { registerGuard } from './auth/guard.js';
import { AuthThrottle, registerAuthThrottle, type ThrottleOptions } from './auth/throttle.js';
import { registerConsole } from './console/index.js';
import { registerBatchScanRoute } from './hss/batch-scan.js';
import { hssErrorHandler } from './hss/errors.js';
import { registerImageRoutes } from './hss/images.js';
import { registerInventoryRoutes } from './hss/inventory.js';
import { registerRegistryRoutes } from './hss/registries.js';
import { registerScanRoutes } from './hss/scans.js';
import { registerIamApi } from './iam/index.js';
import { registerNativeApi } from './native/index.js';
import { policyOf, type ServerPolicy } from './native/overview.js';
import { registerObservability } from './observability/index.js';
import { registerScannerAdapter } from './scanner-adapter/index.js';
import { swrErrorBody } from './swr/errors.js';
import { registerSwrApi } from './swr/index.js';

/** What the app is built with: the configuration's API part (app/config.ts) and what tests fix. */
export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  /** The region this server is, for SWR: its namespaces are those of the registry with this region_id. */
  swrRegion?: string;
  /** The advisory folder the Harbor scanner adapter scans with (default REGATTA_VULNDB). */
  vulndb?: string;
  /** ACR signature options (a fixed clock for replaying captured requests). */
  acr?: AcrAuthOptions;
  /** The policies the workers run with, as the console shows them (default: the workers' defaults). */
  policy?: ServerPolicy;
  /** The token Prometheus scrapes /metrics with (REGATTA_METRICS_TOKEN). */
  metricsToken?: string;
  /** Failed authentications allowed per source address and minute (REGATTA_AUTH_FAILURES_PER_MINUTE, 20). */
  authFailuresPerMinute?: number;
  /** The built console (default dist/web). */
  consoleDir?: string;
  /** How long a console sign-in lasts (REGATTA_SESSION_HOURS, 12). */
  sessionHours?: number;
  /** Audit entries older than this are deleted (REGATTA_AUDIT_RETENTION_DAYS, 365). */
  auditRetentionDays?: number;
  /** Single sign-on for the console (REGATTA_OIDC_*). */
  oidc?: OidcConfig;
}

/** One route as registered: what the route-table walk reads. */
export interface RouteEntry {
  method: string;
  url: string;
  access: Permission | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: readonly RouteEntry[];
  }
}

/** Request bodies larger than this are refused: every facade takes small JSON documents. */
const BODY_LIMIT = 1024 * 1024;

const AJV_OPTIONS = { coerceTypes: 'array', removeAdditional: false, useDefaults: true } as const;
/** A raw NUL byte, or the JSON escape of one. */
const NUL_IN_JSON = /\0|\\u0000/i;

/** The JSON media types routes accept: Fastify's default, Distribution's notifications, Harbor's scan requests. */
const JSON_TYPES = [
  'application/json',
  'application/vnd.docker.distribution.events.v1+json',
  'application/vnd.scanner.adapter.scan.request+json',
];

export async function buildApp(ctx: AppContext, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: BODY_LIMIT,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID().replaceAll('-', '');
    },
    ajv: { customOptions: AJV_OPTIONS },
    frameworkErrors: frameworkError,
  });
  // Query strings and path parameters are text: their numbers and booleans are coerced. A JSON body has types of
  // its own: `"registry_name": 123` is refused, not stored as "123". ACR's form bodies (at `/`) are text too.
  const coercing = ajvCompiler()({}, { customOptions: AJV_OPTIONS });
  const exact = ajvCompiler()({}, { customOptions: { ...AJV_OPTIONS, coerceTypes: false } });
  app.setValidatorCompiler((route) => (route.httpPart === 'body' && route.url !== '/' ? exact : coercing)(route));
  // NUL in a path or query would reach the database as text PostgreSQL refuses: a 400, in the route's format.
  app.addHook('onRequest', async (request) => {
    if (/%00|\0/i.test(request.raw.url ?? '')) {
      throw Object.assign(new Error('NUL characters are not allowed in the URL'), { statusCode: 400 });
    }
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  registerAuthThrottle(app, new AuthThrottle(throttleOptions(opts)), tooManyFailures);
  // Keep the raw bytes of every JSON body, whatever its media type (plain JSON, Distribution's event envelopes,
  // Harbor's scan requests): an AK/SK signature covers them exactly as sent, and is checked against these bytes.
  for (const type of JSON_TYPES) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (request, body, done) => {
      request.rawBody = body as Buffer;
      if ((body as Buffer).length === 0) return done(null, undefined);
      if (NUL_IN_JSON.test((body as Buffer).toString('latin1'))) {
        return done(
          Object.assign(new Error('NUL characters are not allowed in the body'), { statusCode: 400 }),
          undefined,
        );
      }
      try {
        done(null, JSON.parse((body as Buffer).toString('utf8')));
      } catch {
        done(Object.assign(new Error('body is not valid JSON'), { statusCode: 400 }), undefined);
      }
    });
  }
  // Every route declares the permission it needs (auth/access.ts); the documents' own routes are public. The
  // table of routes is kept for the route-table walk test (test/contract/route-access.test.ts).
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    const documents = route.url.startsWith('/docs') || route.url.startsWith('/assets/');
    if (documents && !route.config?.access) route.config = { ...route.config, access: 'public' };
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access: route.config?.access });
  });
  registerGuard(app, ctx, { metricsToken: opts.metricsToken });
  registerAudit(app, ctx, opts.auditRetentionDays ?? 365);
  await app.register(swagger, { openapi: { info: { title: 'Regatta', version: '0.1.0' } } });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
  app.get('/healthz', { schema: { hide: true }, config: { access: 'public' } }, async () => ({ status: 'ok' }));
  const policy = opts.policy ?? policyOf();
  await registerObservability(app, ctx, {
    vulndb: policy.vulndb ?? opts.vulndb,
    vulndbStaleHours: policy.vulndb_stale_hours,
  });

  await app.register(
    async (hss) => {
      hss.setErrorHandler(hssErrorHandler);
      // As Huawei's API gateway answers a path it has no API for.
      hss.setNotFoundHandler((request, reply) => {
        void reply.status(404).send({
          error_code: 'APIGW.0101',
          error_msg: 'The API does not exist or has not been published in the environment',
          request_id: String(request.id),
        });
      });
      registerRegistryRoutes(hss, ctx);
      registerImageRoutes(hss, ctx);
      registerInventoryRoutes(hss, ctx);
      registerScanRoutes(hss, ctx);
      registerBatchScanRoute(hss, ctx);
    },
    { prefix: '/v5/:project_id' },
  );
  await app.register(async (swr) => registerSwrApi(swr, ctx, { region: opts.swrRegion }), { prefix: '/v2/manage' });
  await app.register(async (iam) => registerIamApi(iam, ctx));
  await app.register(
    async (native) =>
      registerNativeApi(native, ctx, policy, { sessionHours: opts.sessionHours ?? 12, oidc: opts.oidc }),
    {
      prefix: '/api/v1',
    },
  );
  // Harbor's pluggable scanner API: its paths (/api/v1/metadata, /scan) do not meet the native API's.
  await app.register(async (adapter) => registerScannerAdapter(adapter, ctx, { vulndb: opts.vulndb }), {
    prefix: '/api/v1',
  });
  // ACR's RPC API lives at `/`; a browser's GET / (no Action) gets the console.
  const consolePage = await registerConsole(app, opts.consoleDir);
  await app.register(async (acr) => registerAcrApi(acr, ctx, { ...opts.acr, fallback: consolePage }));
  return app;
}

function throttleOptions(opts: AppOptions): ThrottleOptions {
  const perAddress = opts.authFailuresPerMinute ?? 20;
  return { perAddress, perKey: Math.max(1, Math.ceil(perAddress / 2)), windowMs: 60_000 };
}

/** An error's code in each API family, for answers given before any facade runs. */
interface FamilyCodes {
  hss: string;
  swr: string;
  native: string;
  acr: string;
}

/** Answers `status` with `message` in the format of the API family the request's path belongs to. */
function familyReply(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  codes: FamilyCodes,
  message: string,
) {
  const url = request.url;
  const id = String(request.id);
  if (url.startsWith('/v5/'))
    return reply.status(status).send({ error_code: codes.hss, error_msg: message, request_id: id });
  if (url.startsWith('/v2/manage/')) return reply.status(status).send(swrErrorBody(codes.swr, message));
  if (url.startsWith('/api/') || url.startsWith('/metrics')) {
    return reply.status(status).send({ code: codes.native, message, request_id: id });
  }
  return reply.status(status).send({ Code: codes.acr, Message: message, RequestId: id });
}

/** A 429 for a throttled caller. */
function tooManyFailures(request: FastifyRequest, reply: FastifyReply, wait: number): FastifyReply {
  const message = `too many failed authentications from this address or access key: retry in ${wait} s`;
  const codes = {
    hss: 'APIGW.0308',
    swr: 'SVCSTG.SWR.4290000',
    native: 'TOO_MANY_AUTH_FAILURES',
    acr: 'Throttling.User',
  };
  return familyReply(request, reply, 429, codes, message);
}

/** Fastify's own refusals before routing (a path parameter over 100 characters, a malformed URL): no such API. */
function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const codes = { hss: 'APIGW.0101', swr: 'SVCSTG.SWR.4040083', native: 'NOT_FOUND', acr: 'InvalidAction.NotFound' };
  void familyReply(request, reply, 404, codes, `no such route: ${error.message}`);
}

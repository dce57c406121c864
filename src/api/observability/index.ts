// Operations endpoints: /readyz (the database answers, and the job queue's schema is there: ready for traffic;
// /healthz only says the process is up; it also reports the scan data's age, which never makes it unready) and
// /metrics (Prometheus, authenticated like every API request). Every response is counted by method, route
// pattern and status.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { vulndbStatus } from '../../scanning/feeds/status.js';
import { BOOTSTRAP_ADMIN, type Identity } from '../../store/identities.js';
import { queueReady } from '../../store/stats.js';
import { authenticate } from '../auth/authenticate.js';
import { createMetrics } from './metrics.js';

export interface ObservabilityOptions {
  /** The advisory folder whose age is reported, and when it counts as stale. */
  vulndb?: string;
  vulndbStaleHours?: number;
  /** A token for Prometheus alone (REGATTA_METRICS_TOKEN): /metrics and nothing else. */
  metricsToken?: string;
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

export async function registerObservability(
  app: FastifyInstance,
  ctx: AppContext,
  opts: ObservabilityOptions = {},
): Promise<void> {
  const status = () => vulndbStatus(opts.vulndb, opts.vulndbStaleHours);
  const metrics = createMetrics(ctx, status);
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.inc({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    });
  });
  app.addHook('onClose', async () => metrics.close());

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await queueReady(ctx.db);
      const data = await status();
      return {
        status: 'ready',
        vulndb: {
          updated_at: data.updated_at,
          age_seconds: data.age_seconds,
          stale: data.stale,
          feeds: Object.fromEntries(
            data.feeds.map((f) => [
              f.name,
              { records: f.records, age_seconds: f.age_seconds, error: f.error?.code ?? null },
            ]),
          ),
        },
      };
    } catch (err) {
      return reply.status(503).send({ status: 'not ready', reason: (err as Error).message });
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    // Server-wide figures (every project's registry hosts among them): for the server's scrape token or its
    // bootstrap admin, not for any project's token.
    if (!scrapeTokenGiven(request, opts.metricsToken)) {
      let identity: Identity;
      try {
        identity = await authenticate(request, ctx.identities);
      } catch (err) {
        return reply.status(401).send({ code: 'UNAUTHENTICATED', message: (err as Error).message });
      }
      if (identity.name !== BOOTSTRAP_ADMIN) {
        return reply.status(403).send({
          code: 'FORBIDDEN',
          message: 'metrics cover every project: use REGATTA_METRICS_TOKEN or the bootstrap admin',
        });
      }
    }
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

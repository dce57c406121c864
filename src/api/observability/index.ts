// Operations endpoints: /readyz (the database answers, and the job queue's schema is there: ready for traffic;
// /healthz only says the process is up; it also reports the scan data's age, which never makes it unready) and
// /metrics (Prometheus, authenticated like every API request). Every response is counted by method, route
// pattern and status.

import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { vulndbStatus } from '../../scanning/feeds/status.js';
import { queueReady } from '../../store/stats.js';
import { nativeErrorHandler } from '../native/errors.js';
import { createMetrics } from './metrics.js';

export interface ObservabilityOptions {
  /** The advisory folder whose age is reported, and when it counts as stale. */
  vulndb?: string;
  vulndbStaleHours?: number;
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

  app.get('/readyz', { schema: { hide: true }, config: { access: 'public' } }, async (_request, reply) => {
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

  // Server-wide figures (every project's registry hosts among them): for the scrape token or a superadmin
  // (guard.ts), answered in the native API's error format.
  await app.register(async (scoped) => {
    scoped.setErrorHandler(nativeErrorHandler);
    scoped.get('/metrics', { schema: { hide: true }, config: { access: 'metrics' } }, async (_request, reply) => {
      return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  });
}

// Operations endpoints: /readyz (the database answers, and the job queue's schema is there: ready for traffic;
// /healthz only says the process is up) and /metrics (Prometheus, authenticated like every API request). Every
// response is counted by method, route pattern and status.

import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../../jobs/context.js';
import { authenticate } from '../auth/authenticate.js';
import { createMetrics } from './metrics.js';

export async function registerObservability(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const metrics = createMetrics(ctx);
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
      await sql`select 1 from pgboss.version`.execute(ctx.db);
      return { status: 'ready' };
    } catch (err) {
      return reply.status(503).send({ status: 'not ready', reason: (err as Error).message });
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    try {
      await authenticate(request, ctx.identities);
    } catch (err) {
      return reply.status(401).send({ code: 'UNAUTHENTICATED', message: (err as Error).message });
    }
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

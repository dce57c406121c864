// The scan data of this server: where it comes from, how old it is, each feed's count and last error
// (GET /vulndb), and an update on demand (POST /vulndb/update: queued, 202; the workers run it and re-scan what
// the new data can change). The data is the server's, shared by every project.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { vulndbStatus } from '../../scanning/feeds/status.js';
import { loadedDataVersion } from '../../services/scanning.js';
import { requestVulndbUpdate } from '../../services/vulndb.js';
import type { ServerPolicy } from './overview.js';

export function registerVulndbRoutes(app: FastifyInstance, ctx: AppContext, policy: ServerPolicy): void {
  app.get(
    '/vulndb',
    { schema: { tags: ['scanning'], summary: 'Scan data: sources, counts, age, staleness, last errors' } },
    async () => ({
      ...(await vulndbStatus(policy.vulndb ?? undefined, policy.vulndb_stale_hours)),
      version: loadedDataVersion(policy.vulndb ?? undefined) ?? null,
      schedule: policy.schedules.vulndb,
    }),
  );
  app.post(
    '/vulndb/update',
    { schema: { tags: ['scanning'], summary: 'Update the advisory feeds now (queued)' } },
    async (_request, reply) => {
      await requestVulndbUpdate(ctx);
      return reply.status(202).send({ status: 'queued' });
    },
  );
}

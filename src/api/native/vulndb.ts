// The scan data of this server: where it comes from, how old it is, each feed's count and last error
// (GET /vulndb), and an update on demand (POST /vulndb/update: queued, 202; the workers run it and re-scan what
// the new data can change). The data is the server's, shared by every project.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { vulndbStatus } from '../../scanning/feeds/status.js';
import { loadedDataVersion } from '../../services/scanning.js';
import { requestVulndbUpdate } from '../../services/vulndb.js';
import { typed } from '../typed.js';
import type { ServerPolicy } from './overview.js';
import { arrayOf, bool, int, isoTime, nullableInt, nullableStr, nullableTime, num, str, view } from './schemas.js';

const feedSchema = view({
  name: str,
  kind: { type: 'string', enum: ['osv', 'malware', 'rules'] },
  records: int,
  updated_at: isoTime,
  checked_at: isoTime,
  age_seconds: int,
  error: { ...view({ code: str, message: str, at: isoTime }), type: ['object', 'null'] },
});

/** The scan data's state (vulndbStatus), the data version loaded and the update schedule. */
const vulndbSchema = view({
  dir: nullableStr,
  generation: nullableStr,
  version: nullableStr,
  updated_at: nullableTime,
  checked_at: nullableTime,
  hand_placed_at: nullableTime,
  age_seconds: nullableInt,
  stale: bool,
  stale_after_hours: num,
  schedule: nullableStr,
  feeds: arrayOf(feedSchema),
});

export function registerVulndbRoutes(app: FastifyInstance, ctx: AppContext, policy: ServerPolicy): void {
  typed(app).get(
    '/vulndb',
    {
      config: { access: 'read' },
      schema: {
        tags: ['scanning'],
        summary: 'Scan data: sources, counts, age, staleness, last errors',
        response: { 200: { description: 'The scan data of this server', ...vulndbSchema } },
      },
    },
    async () => ({
      ...(await vulndbStatus(policy.vulndb ?? undefined, policy.vulndb_stale_hours)),
      version: loadedDataVersion(policy.vulndb ?? undefined) ?? null,
      schedule: policy.schedules.vulndb,
    }),
  );
  typed(app).post(
    '/vulndb/update',
    {
      config: { access: 'superadmin' },
      schema: {
        tags: ['scanning'],
        summary: 'Update the advisory feeds now (queued)',
        response: {
          202: { description: 'The update, queued', ...view({ status: { type: 'string', enum: ['queued'] } }) },
        },
      },
    },
    async (_request, reply) => {
      await requestVulndbUpdate(ctx);
      return reply.status(202).send({ status: 'queued' });
    },
  );
}

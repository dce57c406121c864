// GET /api/v1/rules/{id}/drift: where each image of a rule stands, from the inventories (services/drift.ts):
// counts by state, and the items filtered by state, one page at a time.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { DRIFT_STATES, driftCounts } from '../../replication/drift.js';
import { ruleDrift } from '../../services/drift.js';
import { typed } from '../typed.js';
import { nativeScope } from './rules.js';
import { arrayOf, describe, idParams, int, nullableInt, nullableStr, str, view } from './schemas.js';

const state = { type: 'string', enum: DRIFT_STATES } as const;
const side = view({ path: str, tag: str, digest: nullableStr });
const itemSchema = view({ state, source: { anyOf: [{ type: 'null' }, side] }, target: side });

export function registerDriftRoutes(app: FastifyInstance, ctx: AppContext): void {
  typed(app).get(
    '/rules/:id/drift',
    {
      config: { access: 'read' },
      schema: {
        tags: ['rules'],
        summary:
          'Each image of the rule against its target, from the inventories: in_sync, missing, drifted, conflict, extra',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            state,
            offset: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: describe(
            'Counts by state, and the items in the state asked for (every one by default), by target',
            view({
              rule_id: str,
              counts: view(
                Object.fromEntries(DRIFT_STATES.map((s) => [s, int])) as Record<
                  (typeof DRIFT_STATES)[number],
                  typeof int
                >,
              ),
              total: int,
              items: arrayOf(itemSchema),
              source_synced_at: nullableInt,
              target_synced_at: nullableInt,
            }),
          ),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const drift = await ruleDrift(ctx, nativeScope(request), request.params.id);
      const counts = driftCounts(drift.items);
      const chosen = q.state ? drift.items.filter((i) => i.state === q.state) : drift.items;
      return {
        rule_id: drift.rule_id,
        counts,
        total: chosen.length,
        items: chosen.slice(q.offset, q.offset + q.limit).map((i) => ({
          state: i.state,
          source: i.source && { path: i.source.path, tag: i.source.tag, digest: i.source.digest },
          target: i.target,
        })),
        source_synced_at: drift.source_synced_at,
        target_synced_at: drift.target_synced_at,
      };
    },
  );
}

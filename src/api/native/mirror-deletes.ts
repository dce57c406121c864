// POST /api/v1/rules/{id}/mirror-deletes: deletion propagation of a rule on request (services/mirror-deletes.ts),
// a dry run unless `dry_run` is false: per extra target tag, deleted (or would be) or kept, and why. Each tag
// deleted is an audit entry of its own, besides the request's.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { MIRROR_ACTIONS, MIRROR_REASONS, type MirrorAction } from '../../replication/mirror-deletes.js';
import { runMirrorDeletes } from '../../services/mirror-deletes.js';
import { typed } from '../typed.js';
import { nativeScope } from './rules.js';
import { arrayOf, bool, describe, idParams, int, nullableStr, str, view } from './schemas.js';

const itemSchema = view({
  repository: str,
  tag: str,
  digest: nullableStr,
  action: { type: 'string', enum: MIRROR_ACTIONS },
  reason: { type: 'string', enum: MIRROR_REASONS },
  detail: nullableStr,
});

const body = {
  type: 'object',
  description: 'Optional: a POST without a body is a dry run',
  additionalProperties: false,
  properties: { dry_run: { type: 'boolean', default: true, description: 'false: delete' } },
} as const;

export function registerMirrorDeleteRoutes(app: FastifyInstance, ctx: AppContext): void {
  typed(app).post(
    '/rules/:id/mirror-deletes',
    {
      config: { access: 'write' },
      // A bare POST (no body) is a dry run.
      preValidation: async (request) => {
        request.body ??= { dry_run: true };
      },
      schema: {
        tags: ['rules'],
        summary:
          'Propagate deletions: the target tags the rule copied whose source tag is gone, deleted (dry run by default)',
        params: idParams,
        body,
        response: {
          200: describe(
            "Each extra target tag of the rule's drift view: deleted, would_delete or skipped, with the reason",
            view({
              rule_id: str,
              dry_run: bool,
              counts: view(Object.fromEntries(MIRROR_ACTIONS.map((a) => [a, int])) as Record<MirrorAction, typeof int>),
              items: arrayOf(itemSchema),
            }),
          ),
        },
      },
    },
    async (request) => {
      const caller = request.caller;
      const result = await runMirrorDeletes(ctx, nativeScope(request), request.params.id, {
        dryRun: request.body.dry_run,
        actor: {
          principal_id: caller?.principalId ?? null,
          principal_name: caller?.name ?? null,
          credential_id: caller?.credentialId || null,
          family: 'native',
          request_id: String(request.id),
          source: request.ip,
        },
      });
      const counts = Object.fromEntries(MIRROR_ACTIONS.map((a) => [a, 0])) as Record<MirrorAction, number>;
      for (const i of result.items) counts[i.action]++;
      return { ...result, counts };
    },
  );
}

// The audit log, for a project's admin (its own project's entries) and a superadmin (every entry with
// `all=true`, server-level ones among them): newest first, filtered by person, API family and outcome, paged by
// `before` (the last id seen).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { ForbiddenError } from '../../errors.js';
import type { AuditRow } from '../../store/audit.js';
import { typed } from '../typed.js';
import { arrayOf, describe, int, isoTime, nullableInt, nullableStr, str, view } from './schemas.js';

const outcome = { type: 'string', enum: ['success', 'failure', 'denied', 'unauthenticated'] } as const;
const entrySchema = view({
  id: int,
  at: isoTime,
  principal_id: nullableStr,
  principal_name: nullableStr,
  credential_id: nullableStr,
  project_id: nullableStr,
  family: str,
  action: str,
  target: str,
  status: int,
  outcome,
  request_id: str,
  source: str,
});

const auditView = (r: AuditRow) => ({ ...r, at: r.at.toISOString() });

export function registerAuditRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  typed(fastify).get(
    '/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['identity'],
        summary: 'Every state-changing request: who, with which credential, what, on what, the outcome',
        querystring: {
          type: 'object',
          properties: {
            all: { type: 'boolean', default: false },
            principal: { type: 'string', maxLength: 64 },
            family: { type: 'string', enum: ['hss', 'swr', 'acr', 'native', 'iam', 'harbor-scanner', 'metrics'] },
            outcome,
            since: { type: 'string', format: 'date-time' },
            before: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: describe(
            'Entries newest first; next_before pages on',
            view({ entries: arrayOf(entrySchema), next_before: nullableInt }),
          ),
        },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.all && !request.identity!.superadmin) throw new ForbiddenError('only a superadmin reads every project');
      const entries = await ctx.audit.list({
        projectId: q.all ? undefined : request.identity!.projectId,
        principal: q.principal,
        family: q.family,
        outcome: q.outcome,
        since: q.since ? new Date(q.since) : undefined,
        before: q.before,
        limit: q.limit,
      });
      const next = entries.length === q.limit ? entries[entries.length - 1]!.id : null;
      return { entries: entries.map(auditView), next_before: next };
    },
  );
}

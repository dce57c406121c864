// POST /api/v1/rules/preview: a rule body (as POST /rules takes) run dry: the images it selects on the source now,
// their targets and what a copy of each would do. Nothing is saved; the console shows it before "Create".
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { previewRule } from '../../services/rule-preview.js';
import { typed } from '../typed.js';
import { locate, nativeScope, ruleBody, selectorOf } from './rules.js';
import { arrayOf, int, str, view } from './schemas.js';

/** Images planned against the target (two HEADs each); the rest of a large selection is listed unplanned. */
const PLANNED = 50;
/** Items returned; `total` still counts them all. */
const LISTED = 500;
/** A preview lists a live registry: bounded so a slow source cannot hold the request forever. */
const PREVIEW_TIMEOUT_MS = 60_000;

const imagePath = view({ namespace: str, repository: str, tag: str });

/** One image the rule selects: its target and what a copy would do (the digest once planned, the error if not). */
const previewItem = view(
  {
    source: imagePath,
    target: imagePath,
    action: { type: 'string', enum: ['copy', 'skip', 'conflict', 'error', 'unplanned'] },
  },
  {
    digest: str,
    error: str,
    gate: {
      ...view({ verdict: { type: 'string', enum: ['pass', 'blocked', 'needs_scan'] } }, { gate: str, detail: str }),
      description: "The rule's gates on this image (a gated rule's planned images); needs_scan: no current scan yet",
    },
  },
);

export function registerRulePreviewRoute(app: FastifyInstance, ctx: AppContext): void {
  typed(app).post(
    '/rules/preview',
    {
      config: { access: 'write' },
      schema: {
        tags: ['rules'],
        summary: 'Dry run of a rule: what it would copy now',
        body: ruleBody,
        response: {
          200: {
            description: `The images selected (the first ${LISTED}), with what a copy of each would do`,
            ...view({ total: int, items: arrayOf(previewItem) }),
          },
        },
      },
    },
    async (request) => {
      const scope = nativeScope(request);
      const { source, target } = request.body;
      const preview = await previewRule(ctx, {
        selector: selectorOf(request.body),
        sourceRegistryId: await locate(ctx, scope, source, 'source'),
        targetRegistryId: await locate(ctx, scope, target, 'target'),
        override: request.body.override,
        referrers: request.body.referrers,
        platforms: source.platforms ?? null,
        planLimit: PLANNED,
        gates: request.body.gates ?? null,
        projectId: scope.projectId,
        signal: AbortSignal.timeout(PREVIEW_TIMEOUT_MS),
      });
      return { total: preview.total, items: preview.items.slice(0, LISTED) };
    },
  );
}

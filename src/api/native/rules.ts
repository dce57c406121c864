// Sync rules through the native API (create, list, read, replace, delete, run): the same rows SWR sync_repo and
// ACR sync rules show in their own shapes. A registry is named by `registry_id`, `region_id` or `instance_id`, as
// the vendor facades name them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import type { AppContext } from '../../app/context.js';
import { type RuleSelector, validateSelector } from '../../replication/rule-match.js';
import { reopenBlocked } from '../../services/gates.js';
import { runRule } from '../../services/replication.js';
import { ALL_ENTERPRISE_PROJECTS, type Scope } from '../../store/scope.js';
import type { SyncRuleRow } from '../../store/sync-rules.js';
import { typed } from '../typed.js';
import { badRequest, notFound } from './errors.js';
import {
  arrayOf,
  batchSelection,
  bool,
  idParams,
  int,
  isoTime,
  noContent,
  nullableStr,
  nullableStrings,
  str,
  syncTrigger,
  view,
} from './schemas.js';

/** A rule's replication gates (store/schema.ts RuleGates; evaluated by replication/gates.ts). */
export const gatesSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Checks an image must pass to be copied; one it fails ends its task ERROR with POLICY_BLOCKED',
  properties: {
    signed_by: {
      type: 'array',
      maxItems: 32,
      items: { type: 'string', minLength: 1, maxLength: 128 },
      description:
        "Names of the project's trusted keys or keyless identities: a signature verified by any of them passes",
    },
    max_scan_age_hours: { type: 'integer', minimum: 1, maximum: 87600 },
    block_severity: { type: 'string', enum: ['Critical', 'High', 'Medium', 'Low'] },
    allow_vulnerabilities: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        required: ['id'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 128 },
          expires_at: { type: 'string', format: 'date-time' },
        },
      },
    },
    no_malicious: { type: 'boolean' },
    no_secrets: { type: 'boolean' },
  },
} as const;

const registryLocator = {
  type: 'object',
  properties: {
    registry_id: { type: 'string', format: 'uuid' },
    region_id: { type: 'string', minLength: 1, maxLength: 128 },
    instance_id: { type: 'string', minLength: 1, maxLength: 128 },
  },
} as const;

export const ruleBody = {
  type: 'object',
  required: ['source', 'target'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 128 },
    trigger: { ...syncTrigger, default: 'INITIATIVE' },
    override: { type: 'boolean', default: false },
    referrers: {
      type: 'boolean',
      default: true,
      description: "Copy each image's referrers (signatures, SBOMs, attestations) after it",
    },
    mirror_deletes: {
      type: 'boolean',
      default: false,
      description: 'Delete a target tag once its source tag is gone (only while it still names what was copied)',
    },
    gates: gatesSchema,
    source: {
      ...registryLocator,
      required: ['namespace'],
      properties: {
        ...registryLocator.properties,
        namespace: { type: 'string', maxLength: 255 },
        repository: { type: 'string', minLength: 1, maxLength: 255 },
        repository_filter: { type: 'string', minLength: 1, maxLength: 256 },
        tag_filter: { type: 'string', minLength: 1, maxLength: 256, default: '.*' },
        tag_semver: { type: 'string', minLength: 1, maxLength: 256 },
        platforms: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$' } },
      },
    },
    target: {
      ...registryLocator,
      required: ['namespace'],
      properties: {
        ...registryLocator.properties,
        namespace: { type: 'string', maxLength: 255 },
        repository: { type: 'string', minLength: 1, maxLength: 255 },
        tag_rename: { type: 'string', minLength: 1, maxLength: 128 },
      },
    },
  },
} as const;

type Locator = FromSchema<typeof registryLocator>;
/** A rule body as the route has it: validated, with its defaults filled in. */
export type RuleBody = FromSchema<typeof ruleBody>;

/** ruleView's shape. */
const ruleSchema = view({
  id: str,
  rule_id: str,
  name: str,
  trigger: syncTrigger,
  override: bool,
  referrers: bool,
  mirror_deletes: bool,
  gates: { ...gatesSchema, type: ['object', 'null'] },
  source: view({
    registry_id: str,
    namespace: str,
    repository: nullableStr,
    repository_filter: nullableStr,
    tag_filter: str,
    tag_semver: nullableStr,
    platforms: nullableStrings,
  }),
  target: view({ registry_id: str, namespace: str, repository: nullableStr, tag_rename: nullableStr }),
  created_by: str,
  created_at: isoTime,
  updated_at: isoTime,
});

export function nativeScope(request: { identity?: FastifyRequest['identity'] }): Scope {
  return { projectId: request.identity!.projectId, enterpriseProjectId: ALL_ENTERPRISE_PROJECTS };
}

/** The caller's registry a locator names. */
export async function locate(ctx: AppContext, scope: Scope, l: Locator, what: string): Promise<string> {
  const found = l.registry_id
    ? await ctx.registries.get(scope, l.registry_id)
    : l.region_id
      ? await ctx.registries.byLocator(scope, 'region_id', l.region_id)
      : l.instance_id
        ? await ctx.registries.byLocator(scope, 'instance_id', l.instance_id)
        : undefined;
  if (!l.registry_id && !l.region_id && !l.instance_id)
    throw badRequest(`${what}: registry_id, region_id or instance_id`);
  if (!found) throw notFound(`${what} registry`);
  return found.id;
}

/** The matching part of a rule body, checked (INVALID_RULE when a pattern, range or template cannot work). */
export function selectorOf({ source: s, target: t }: RuleBody): RuleSelector {
  const selector = {
    source_namespace: s.namespace,
    source_repository: s.repository ?? null,
    repository_filter: s.repository_filter ?? null,
    tag_filter: s.tag_filter,
    tag_semver: s.tag_semver ?? null,
    target_namespace: t.namespace,
    target_repository: t.repository ?? null,
    tag_rename: t.tag_rename ?? null,
  };
  validateSelector(selector);
  return selector;
}

/** A rule body as the store keeps it: the selector checked, the registries found in the caller's project. */
async function ruleInputOf(ctx: AppContext, scope: Scope, body: RuleBody) {
  const { source: s, target: t } = body;
  return {
    ...selectorOf(body),
    name: body.name ?? `${s.namespace}/${s.repository ?? '*'} → ${t.namespace}`,
    source_registry_id: await locate(ctx, scope, s, 'source'),
    target_registry_id: await locate(ctx, scope, t, 'target'),
    platforms: s.platforms ?? null,
    sync_trigger: body.trigger,
    override: body.override,
    referrers: body.referrers,
    mirror_deletes: body.mirror_deletes,
    gates: body.gates ? JSON.stringify(body.gates) : null,
  };
}

export function ruleView(r: SyncRuleRow) {
  return {
    id: r.id,
    rule_id: r.rule_id,
    name: r.name,
    trigger: r.sync_trigger,
    override: r.override,
    referrers: r.referrers,
    mirror_deletes: r.mirror_deletes,
    gates: r.gates,
    source: {
      registry_id: r.source_registry_id,
      namespace: r.source_namespace,
      repository: r.source_repository,
      repository_filter: r.repository_filter,
      tag_filter: r.tag_filter,
      tag_semver: r.tag_semver,
      platforms: r.platforms,
    },
    target: {
      registry_id: r.target_registry_id,
      namespace: r.target_namespace,
      repository: r.target_repository,
      tag_rename: r.tag_rename,
    },
    created_by: r.created_by,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

export function registerRuleRoutes(app: FastifyInstance, ctx: AppContext): void {
  const ruleResponse = (description: string) => ({ description, ...ruleSchema }) as const;
  typed(app).post(
    '/rules',
    {
      config: { access: 'write' },
      schema: { tags: ['rules'], body: ruleBody, response: { 201: ruleResponse('The rule, created') } },
    },
    async (request, reply) => {
      const scope = nativeScope(request);
      const rule = await ctx.syncRules.create(scope, {
        ...(await ruleInputOf(ctx, scope, request.body)),
        created_by: request.identity!.name,
      });
      return reply.status(201).send(ruleView(rule));
    },
  );

  // The whole rule again (as POST /rules takes it): its id, author and creation time stay.
  typed(app).put(
    '/rules/:id',
    {
      config: { access: 'write' },
      schema: {
        tags: ['rules'],
        params: idParams,
        body: ruleBody,
        response: { 200: ruleResponse('The rule, replaced') },
      },
    },
    async (request) => {
      const scope = nativeScope(request);
      const rule = await ctx.syncRules.get(scope, request.params.id);
      if (!rule) throw notFound('rule');
      const updated = await ctx.syncRules.update(scope, rule.id, await ruleInputOf(ctx, scope, request.body));
      if (!updated) throw notFound('rule');
      // Its gates or allow-list may have changed: what they blocked is decided again.
      await reopenBlocked(ctx, { ruleId: updated.id });
      return ruleView(updated);
    },
  );

  typed(app).get(
    '/rules',
    {
      config: { access: 'read' },
      schema: {
        tags: ['rules'],
        response: { 200: { description: "The project's rules", ...view({ total: int, rules: arrayOf(ruleSchema) }) } },
      },
    },
    async (request) => {
      const { total, rows } = await ctx.syncRules.list(nativeScope(request));
      return { total, rules: rows.map(ruleView) };
    },
  );

  typed(app).get(
    '/rules/:id',
    {
      config: { access: 'read' },
      schema: { tags: ['rules'], params: idParams, response: { 200: ruleResponse('The rule') } },
    },
    async (request) => {
      const rule = await ctx.syncRules.get(nativeScope(request), request.params.id);
      if (!rule) throw notFound('rule');
      return ruleView(rule);
    },
  );

  typed(app).delete(
    '/rules/:id',
    {
      config: { access: 'write' },
      schema: { tags: ['rules'], params: idParams, response: { 204: noContent('The rule, deleted') } },
    },
    async (request, reply) => {
      const scope = nativeScope(request);
      const rule = await ctx.syncRules.get(scope, request.params.id);
      if (!rule || !(await ctx.syncRules.delete(scope, rule.id))) throw notFound('rule');
      return reply.status(204).send(null);
    },
  );

  registerRunRoute(app, ctx);
}

/** What a run may be limited to. */
const runBody = {
  type: 'object',
  description: 'Optional: a POST without a body runs the whole rule',
  properties: {
    tags: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      // A tag as the distribution spec allows it: it becomes part of a registry URL.
      items: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$' },
    },
  },
} as const;

// INITIATIVE: run a rule now, over every image it selects or only the given tags.
function registerRunRoute(app: FastifyInstance, ctx: AppContext): void {
  typed(app).post(
    '/rules/:id/run',
    {
      config: { access: 'write' },
      // A bare POST (no body) runs the whole rule.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ['rules'],
        params: idParams,
        body: runBody,
        response: {
          202: {
            description: 'The batch of the run, selecting its images in the background',
            ...view({ batch_id: str, selection: batchSelection }),
          },
        },
      },
    },
    async (request, reply) => {
      const rule = await ctx.syncRules.get(nativeScope(request), request.params.id);
      if (!rule) throw notFound('rule');
      const batch = await runRule(
        ctx,
        rule,
        { trigger: 'INITIATIVE', origin: 'api', createdBy: request.identity!.name },
        request.body.tags ? { tags: request.body.tags } : {},
      );
      // The images are selected in the background: GET /batches/{id} says SELECTING until the tasks exist.
      return reply.status(202).send({ batch_id: batch.id, selection: batch.selection });
    },
  );
}

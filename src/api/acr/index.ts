// The ACR facade: Alibaba Cloud Container Registry's RPC API, version 2018-12-01, at `/` as ACR serves it. One
// route per method takes every action: `Action` and `Version` from the parameters (query and form merged) or the
// ACS3 headers; the caller authenticated by its signature; the action's fields wrapped in ACR's success envelope
// `{RequestId, Code: "success", IsSuccess: true, ...}` (pop-core throws on any other Code); errors in errors.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { ALL_ENTERPRISE_PROJECTS } from '../../store/scope.js';
import type { ProjectPermission } from '../auth/access.js';
import { authorizeRequest, namedProject } from '../auth/guard.js';
import type { Action, ActionFields } from './action.js';
import { type AcrAuthOptions, authenticateAcr } from './authenticate.js';
import { AcrError, acrErrorHandler, acrErrorSchema } from './errors.js';
import { RpcParams, rpcParams } from './params.js';
import { repositoryActions, repositoryResponses } from './repositories.js';
import { ruleActions, ruleResponses } from './rules.js';
import { taskActions, taskResponses } from './tasks.js';
import { bool, str } from './views.js';

export const ACR_VERSION = '2018-12-01';

const ACTIONS: Record<string, Action> = { ...ruleActions, ...taskActions, ...repositoryActions };

export const ACR_ACTIONS = Object.keys(ACTIONS);

/**
 * The permission each action needs (auth/access.ts), as every other route declares its own: reads for a viewer,
 * the rest for an operator. The route-table walk test checks that every action has one.
 */
export const ACR_ACCESS: Record<string, ProjectPermission> = {
  CreateRepoSyncRule: 'write',
  ListRepoSyncRule: 'read',
  DeleteRepoSyncRule: 'write',
  CreateRepoSyncTask: 'write',
  CreateRepoSyncTaskByRule: 'write',
  GetRepoSyncTask: 'read',
  CancelRepoSyncTask: 'write',
  ListRepoSyncTask: 'read',
  ListRepository: 'read',
  GetRepository: 'read',
};

/** The fields each action answers with, inside the envelope. */
export const ACR_RESPONSES: Record<string, ActionFields> = {
  ...ruleResponses,
  ...taskResponses,
  ...repositoryResponses,
};

/** The success envelope around every action's fields. */
const envelope = {
  RequestId: str,
  Code: { type: 'string', enum: ['success'] },
  IsSuccess: { ...bool, enum: [true] },
} as const;

/**
 * The route's responses: one schema per action, and the error envelope. Documentation only: the route serializes
 * with JSON.stringify (`serializerCompiler` below), so a body is sent exactly as the action built it.
 */
const response = {
  200: {
    description: "The action's fields in ACR's success envelope: one shape per Action (its title)",
    anyOf: ACR_ACTIONS.map((action) => ({
      title: action,
      type: 'object',
      properties: { ...envelope, ...ACR_RESPONSES[action] },
    })),
  },
  '4xx': acrErrorSchema,
  '5xx': acrErrorSchema,
};

/** fast-json-stringify would pick one anyOf branch and drop the fields it does not declare: bodies are sent as built. */
const serializerCompiler = () => (data: unknown) => JSON.stringify(data);

declare module 'fastify' {
  interface FastifyRequest {
    /** The permission the ACR action of this request needs (the audit log records writes only). */
    acrAccess?: ProjectPermission;
  }
}

/** True when a request at `/` is an ACR call rather than a browser's visit. */
export function isAcrCall(request: FastifyRequest): boolean {
  return request.headers['x-acs-action'] !== undefined || /[?&]Action=/.test(request.raw.url ?? '');
}

export async function registerAcrApi(
  app: FastifyInstance,
  ctx: AppContext,
  opts: AcrAuthOptions & { fallback?: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> } = {},
): Promise<void> {
  app.setErrorHandler(acrErrorHandler);
  // pop-core POSTs every parameter as a form; the raw bytes are kept for ACS3's body hash.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, (body as Buffer).toString('utf8'));
  });
  const handle = async (request: FastifyRequest) => {
    const map = rpcParams(request);
    const action = map.get('Action') ?? header(request, 'x-acs-action');
    const version = map.get('Version') ?? header(request, 'x-acs-version');
    request.caller = await authenticateAcr(request, map, ctx, opts);
    if (!action) throw new AcrError(400, 'MissingParameter', 'The input parameter "Action" is not supplied.');
    const run = ACTIONS[action];
    const access = ACR_ACCESS[action];
    if (!run || !access)
      throw new AcrError(404, 'InvalidAction.NotFound', `The action ${action} is not served by this endpoint.`);
    request.acrAccess = access;
    request.auditAction = `acr:${action}`;
    request.auditTarget = ['InstanceId', 'RepoNamespaceName', 'RepoName', 'SyncRuleId', 'SyncTaskId']
      .map((k) => map.get(k))
      .filter(Boolean)
      .join(' ');
    const identity = await authorizeRequest(ctx, request.caller, access, namedProject(request));
    request.identity = identity;
    if (version !== ACR_VERSION) {
      throw new AcrError(400, 'InvalidVersion', `Version ${version ?? '(none)'} is not served; use ${ACR_VERSION}.`);
    }
    const scope = { projectId: identity.projectId, enterpriseProjectId: ALL_ENTERPRISE_PROJECTS };
    const fields = await run({ ctx, scope, identity, p: new RpcParams(map) });
    return { RequestId: String(request.id), Code: 'success', IsSuccess: true, ...fields };
  };
  const schema = {
    tags: ['acr'],
    summary: `ACR RPC ${ACR_VERSION}: ${ACR_ACTIONS.join(', ')}`,
    description:
      `Action and Version (${ACR_VERSION}) with the action's parameters, in the query or a form body (or the ` +
      'x-acs-action and x-acs-version headers), signed (RPC HMAC-SHA1 or ACS3-HMAC-SHA256) or with an X-Auth-Token.' +
      ' A GET without an Action serves the web console.',
    response,
  };
  app.post('/', { schema, serializerCompiler, config: { access: 'per-action' } }, handle);
  app.get('/', { schema, serializerCompiler, config: { access: 'per-action' } }, async (request, reply) => {
    if (!isAcrCall(request) && opts.fallback) return opts.fallback(request, reply);
    return handle(request);
  });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' ? v : undefined;
}

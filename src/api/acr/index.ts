// The ACR facade: Alibaba Cloud Container Registry's RPC API, version 2018-12-01, at `/` as ACR serves it. One
// route per method takes every action: `Action` and `Version` from the parameters (query and form merged) or the
// ACS3 headers; the caller authenticated by its signature; the action's fields wrapped in ACR's success envelope
// `{RequestId, Code: "success", IsSuccess: true, ...}` (pop-core throws on any other Code); errors in errors.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { ALL_ENTERPRISE_PROJECTS } from '../../store/scope.js';
import type { Action } from './action.js';
import { type AcrAuthOptions, authenticateAcr } from './authenticate.js';
import { AcrError, acrErrorHandler } from './errors.js';
import { RpcParams, rpcParams } from './params.js';
import { repositoryActions } from './repositories.js';
import { ruleActions } from './rules.js';
import { taskActions } from './tasks.js';

export const ACR_VERSION = '2018-12-01';

const ACTIONS: Record<string, Action> = { ...ruleActions, ...taskActions, ...repositoryActions };

export const ACR_ACTIONS = Object.keys(ACTIONS);

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
    const identity = await authenticateAcr(request, map, ctx, opts);
    if (!action) throw new AcrError(400, 'MissingParameter', 'The input parameter "Action" is not supplied.');
    const run = ACTIONS[action];
    if (!run) throw new AcrError(404, 'InvalidAction.NotFound', `The action ${action} is not served by this endpoint.`);
    if (version !== ACR_VERSION) {
      throw new AcrError(400, 'InvalidVersion', `Version ${version ?? '(none)'} is not served; use ${ACR_VERSION}.`);
    }
    const scope = { projectId: identity.projectId, enterpriseProjectId: ALL_ENTERPRISE_PROJECTS };
    const fields = await run({ ctx, scope, identity, p: new RpcParams(map) });
    return { RequestId: String(request.id), Code: 'success', IsSuccess: true, ...fields };
  };
  const schema = { tags: ['acr'], summary: `ACR RPC ${ACR_VERSION}: ${ACR_ACTIONS.join(', ')}` };
  app.post('/', { schema }, handle);
  app.get('/', { schema }, async (request, reply) => {
    if (!isAcrCall(request) && opts.fallback) return opts.fallback(request, reply);
    return handle(request);
  });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' ? v : undefined;
}

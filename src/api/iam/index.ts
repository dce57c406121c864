// Huawei IAM's token endpoint, as scripts and tools written for Huawei Cloud obtain their X-Auth-Token:
// `POST /v3/auth/tokens` with the password method and a project scope answers 201, the token in the
// X-Subject-Token header and the token's description in the body (IAM API reference, "Obtaining a User Token
// Through Password Authentication", KeystoneCreateUserTokenByPassword). The token acts in the scoped project with
// the person's role there and expires after 24 hours, as the cloud's do. The domain is accepted and not checked:
// a Regatta server is one domain. A refused sign-in is counted by the authentication throttle and audited.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { ForbiddenError, RegattaError } from '../../errors.js';
import { signIn } from '../../services/sign-in.js';
import { roleIn } from '../auth/access.js';
import { markingFailure } from '../auth/authenticate.js';
import { refuseThrottledName } from '../auth/throttle.js';
import { FacadeError, facadeErrorHandler } from '../errors.js';
import { typed } from '../typed.js';

/** IAM's token lifetime. */
export const IAM_TOKEN_HOURS = 24;

class IamError extends FacadeError {}

const str = { type: 'string' } as const;
const named = { type: 'object', properties: { id: str, name: str } } as const;
const domain = { type: 'object', properties: { id: str, name: str } } as const;

const body = {
  type: 'object',
  required: ['auth'],
  properties: {
    auth: {
      type: 'object',
      required: ['identity'],
      properties: {
        identity: {
          type: 'object',
          required: ['methods', 'password'],
          properties: {
            methods: { type: 'array', items: { type: 'string', enum: ['password'] }, minItems: 1 },
            password: {
              type: 'object',
              required: ['user'],
              properties: {
                user: {
                  type: 'object',
                  required: ['name', 'password'],
                  properties: {
                    name: { type: 'string', maxLength: 64 },
                    password: { type: 'string', maxLength: 1024 },
                    domain,
                  },
                },
              },
            },
          },
        },
        scope: {
          type: 'object',
          properties: {
            project: {
              type: 'object',
              properties: { id: { type: 'string', maxLength: 64 }, name: { type: 'string', maxLength: 64 } },
            },
          },
        },
      },
    },
  },
} as const;

const tokenBody = {
  description: "The token's description; the token itself is in the X-Subject-Token header",
  type: 'object',
  properties: {
    token: {
      type: 'object',
      properties: {
        methods: { type: 'array', items: str },
        expires_at: str,
        issued_at: str,
        user: { type: 'object', properties: { id: str, name: str, domain: named, password_expires_at: str } },
        project: { type: 'object', properties: { id: str, name: str, domain: named } },
        roles: { type: 'array', items: named },
        catalog: { type: 'array', items: { type: 'object' } },
      },
    },
  },
} as const;

/** Keystone's error body, as IAM answers: `{"error": {"code", "title", "message"}}`. */
const errorBody = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'integer' }, title: str, message: str } } },
} as const;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
};

const iamErrorHandler = facadeErrorHandler({
  own: IamError,
  domain: (kind, e) => {
    if (kind === 'unauthenticated') return new IamError(401, 'UNAUTHENTICATED', e.message);
    if (kind === 'forbidden') return new IamError(403, 'FORBIDDEN', e.message);
    if (kind === 'not-found') return new IamError(404, 'NOT_FOUND', e.message);
    if (kind === 'too-many') return new IamError(429, 'THROTTLED', e.message);
    return new IamError(400, 'BAD_REQUEST', e.message);
  },
  refused: (status, message) => new IamError(status === 413 ? 413 : 400, 'BAD_REQUEST', message),
  internal: () => new IamError(500, 'INTERNAL', 'Internal server error'),
  send: (e: IamError, _request: FastifyRequest, reply: FastifyReply) =>
    void reply
      .status(e.status)
      .send({ error: { code: e.status, title: TITLES[e.status] ?? 'Error', message: e.message } }),
});

export async function registerIamApi(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  fastify.setErrorHandler(iamErrorHandler);
  typed(fastify).post(
    '/v3/auth/tokens',
    {
      config: { access: 'public' },
      schema: {
        tags: ['iam'],
        summary: 'KeystoneCreateUserTokenByPassword: a 24-hour token for a project, in X-Subject-Token',
        querystring: { type: 'object', properties: { nocatalog: str } },
        body,
        response: { 201: tokenBody, '4xx': errorBody },
      },
    },
    async (request, reply) => {
      const { identity, scope } = request.body.auth;
      const user = identity.password.user;
      refuseThrottledName(request, user.name);
      const caller = await markingFailure(request, () => signIn(ctx, user.name, user.password));
      const wanted = scope?.project;
      if (!wanted?.id && !wanted?.name)
        throw new RegattaError('INVALID_PARAMETER', 'auth.scope.project names no project');
      const projects = await ctx.projects.list();
      const project = projects.find((p) => (wanted.id ? p.id === wanted.id : p.name === wanted.name));
      const role = project && roleIn(caller, project.id);
      if (!project || !role) throw new ForbiddenError(`${user.name} has no role in that project`);
      const expiresAt = new Date(Date.now() + IAM_TOKEN_HOURS * 3_600_000);
      const created = await ctx.credentials.createToken({
        principalId: caller.principalId,
        name: 'IAM token',
        projectId: project.id,
        expiresAt,
        createdBy: caller.name,
      });
      const dom = { id: 'regatta', name: user.domain?.name ?? 'regatta' };
      return reply
        .status(201)
        .header('x-subject-token', created.token)
        .send({
          token: {
            methods: ['password'],
            expires_at: expiresAt.toISOString(),
            issued_at: created.created_at.toISOString(),
            user: { id: caller.principalId, name: caller.name, domain: dom, password_expires_at: '' },
            project: { id: project.id, name: project.name, domain: dom },
            roles: [{ id: role, name: role }],
            catalog: [],
          },
        });
    },
  );
}

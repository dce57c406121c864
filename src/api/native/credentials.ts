// API tokens and AK/SK pairs. Everyone manages their own (a token for a script, a key pair for the Huawei or
// Alibaba SDKs, acting with their own role); a project's admin also makes and revokes them for the project's
// service accounts and may revoke any credential acting in the project. The secret (token, SK) is in the
// creation's answer only. A key pair always acts in one project (the request's); a token may act in every
// project of its holder when `all_projects` is asked for (not for service accounts: they have one project).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { ForbiddenError, RegattaError } from '../../errors.js';
import type { CredentialView } from '../../store/credentials.js';
import { roleIn } from '../auth/access.js';
import { typed } from '../typed.js';
import { memberOf } from './members.js';
import { humanName } from './projects.js';
import { arrayOf, bool, describe, isoTime, nullableStr, nullableTime, str, view } from './schemas.js';

const tags = ['identity'];
const kind = { type: 'string', enum: ['token', 'session', 'access_key'] } as const;
const credentialProperties = {
  id: str,
  kind,
  name: str,
  principal_id: str,
  principal_name: str,
  project_id: nullableStr,
  access_key: nullableStr,
  expires_at: nullableTime,
  last_used_at: nullableTime,
  revoked_at: nullableTime,
  created_by: nullableStr,
  created_at: isoTime,
} as const;
const credentialSchema = view(credentialProperties);
/** The creation's answer: the view and, this once, the secret. */
const createdSchema = view(credentialProperties, { token: str, secret_key: str });

const iso = (d: Date | null) => (d ? d.toISOString() : null);
export function credentialView(c: CredentialView) {
  return {
    ...c,
    expires_at: iso(c.expires_at),
    last_used_at: iso(c.last_used_at),
    revoked_at: iso(c.revoked_at),
    created_at: c.created_at.toISOString(),
  };
}

/** Days a credential lives unless asked otherwise: none (it lives until revoked), as Harbor's robot accounts. */
const MAX_DAYS = 3650;

export function registerCredentialRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = typed(fastify);
  app.get(
    '/credentials',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: "The caller's own tokens and key pairs, and for a project admin every one acting in the project",
        querystring: { type: 'object', properties: { sessions: { type: 'boolean', default: false } } },
        response: { 200: describe('Credentials, newest first (never a secret)', arrayOf(credentialSchema)) },
      },
    },
    async (request) => {
      const identity = request.identity!;
      const own = await ctx.credentials.list({ principalId: identity.id, sessions: request.query.sessions });
      const project =
        identity.role === 'admin'
          ? await ctx.credentials.list({ projectId: identity.projectId, sessions: request.query.sessions })
          : [];
      const seen = new Set<string>();
      return [...own, ...project]
        .filter((c) => !seen.has(c.id) && seen.add(c.id))
        .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
        .map(credentialView);
    },
  );

  app.post(
    '/credentials',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary:
          'Creates a token or an AK/SK pair (for the caller, or for a service account of the project): the secret is shown once',
        body: {
          type: 'object',
          required: ['kind', 'name'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: ['token', 'access_key'] },
            name: humanName,
            principal_id: { type: 'string', format: 'uuid' },
            expires_in_days: { type: 'integer', minimum: 1, maximum: MAX_DAYS },
            all_projects: bool,
          },
        },
        response: { 201: describe('The credential and, this once, its secret', createdSchema) },
      },
    },
    async (request, reply) => {
      const identity = request.identity!;
      const body = request.body;
      const holder = body.principal_id ?? identity.id;
      if (holder !== identity.id) await mayManage(ctx, request, holder);
      // Every project only for a person's own token, asked with a credential that is not bound to one project
      // itself (a scoped token must not mint an unscoped one).
      const everywhere =
        body.all_projects === true &&
        body.kind === 'token' &&
        holder === identity.id &&
        request.caller!.kind === 'user' &&
        request.caller!.credentialProject === null;
      if (!everywhere && !identity.projectId)
        throw new ForbiddenError('name the project the credential acts in (X-Project-Id header)');
      // A credential acts with its holder's role there: none, no credential.
      if (!everywhere && holder === identity.id && identity.role === null)
        throw new ForbiddenError(`no role in project ${identity.projectId}`);
      const init = {
        principalId: holder,
        name: body.name,
        projectId: everywhere ? null : identity.projectId,
        expiresAt: body.expires_in_days ? new Date(Date.now() + body.expires_in_days * 86_400_000) : null,
        createdBy: identity.name,
      };
      const created =
        body.kind === 'token' ? await ctx.credentials.createToken(init) : await ctx.credentials.createAccessKey(init);
      return reply.status(201).send({ ...credentialView(created), ...secretOf(created) });
    },
  );

  app.delete(
    '/credentials/:id',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'Revokes a token or key pair: its next request fails, on every server process',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        response: { 200: describe('The revoked credential', credentialSchema) },
      },
    },
    async (request) => {
      const found = await ctx.credentials.get(request.params.id);
      if (!found) throw new RegattaError('NOT_FOUND', `no credential ${request.params.id}`);
      if (found.principal_id !== request.caller!.principalId) await mayRevoke(ctx, request, found);
      return credentialView(await ctx.credentials.revoke(found.id));
    },
  );
}

function secretOf(c: { token?: string; secret_key?: string }) {
  return c.token !== undefined ? { token: c.token } : { secret_key: c.secret_key! };
}

/** Credentials of someone else: the project's admin, for a member of it (a superadmin is admin everywhere). */
async function mayManage(ctx: AppContext, request: FastifyRequest, principalId: string): Promise<void> {
  const identity = request.identity!;
  if (identity.role !== 'admin') throw new ForbiddenError("only the project's admin manages others' credentials");
  const member = await memberOf(ctx, identity.projectId, principalId);
  if (member.kind !== 'service' && !identity.superadmin)
    throw new ForbiddenError("an admin makes credentials for the project's service accounts, not for people");
}

/** Someone else's credential: revocable by an admin of the project it acts in (or its holder's, if unscoped). */
async function mayRevoke(ctx: AppContext, request: FastifyRequest, c: CredentialView): Promise<void> {
  const caller = request.caller!;
  if (caller.superadmin) return;
  const projects = c.project_id ? [c.project_id] : [...(await ctx.principals.projectsOf(c.principal_id))];
  if (!projects.some((p) => roleIn(caller, p) === 'admin'))
    throw new ForbiddenError("only the holder or an admin of the credential's project may revoke it");
}

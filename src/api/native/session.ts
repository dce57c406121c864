// Console sign-in with a name and password: a session token (kind `session`, REGATTA_SESSION_HOURS long, acting
// in every project of the person; the console names one per request with X-Project-Id). Signing out revokes the
// credential the request came with. A refused sign-in answers 401, is counted by the authentication throttle
// (per source address) and is audited.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { RegattaError } from '../../errors.js';
import { hashPassword } from '../../services/passwords.js';
import { signIn } from '../../services/sign-in.js';
import { markingFailure } from '../auth/authenticate.js';
import { refuseThrottledName } from '../auth/throttle.js';
import { typed } from '../typed.js';
import { describe, isoTime, str, view } from './schemas.js';

export function registerSessionRoutes(fastify: FastifyInstance, ctx: AppContext, hours: number): void {
  const app = typed(fastify);
  app.post(
    '/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['identity'],
        summary: 'Signs a person in with name and password: a session token, shown once',
        body: {
          type: 'object',
          required: ['name', 'password'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', maxLength: 64 },
            password: { type: 'string', maxLength: 1024 },
            session_name: {
              type: 'string',
              minLength: 1,
              maxLength: 64,
              description: 'What the session is listed as (default: console session)',
            },
          },
        },
        response: {
          201: describe('The session token, shown once', view({ token: str, expires_at: isoTime, name: str })),
        },
      },
    },
    async (request, reply) => {
      refuseThrottledName(request, request.body.name);
      const caller = await markingFailure(request, () => signIn(ctx, request.body.name, request.body.password));
      request.caller = caller;
      const expiresAt = new Date(Date.now() + hours * 3_600_000);
      const session = await ctx.credentials.createToken(
        {
          principalId: caller.principalId,
          name: 'console session',
          projectId: null,
          expiresAt,
          createdBy: caller.name,
        },
        'session',
      );
      return reply.status(201).send({ token: session.token, expires_at: expiresAt.toISOString(), name: caller.name });
    },
  );

  app.put(
    '/session/password',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['identity'],
        summary: "Changes the signed-in person's own password (the current one is asked again)",
        body: {
          type: 'object',
          required: ['current_password', 'new_password'],
          additionalProperties: false,
          properties: {
            current_password: { type: 'string', maxLength: 1024 },
            new_password: { type: 'string', maxLength: 1024 },
          },
        },
        response: { 204: { type: 'null', description: 'Changed: sign-ins from now on take the new one' } },
      },
    },
    async (request, reply) => {
      const caller = request.caller!;
      if (caller.kind !== 'user') throw new RegattaError('INVALID_PARAMETER', 'a service account has no password');
      refuseThrottledName(request, caller.name);
      await markingFailure(request, () => signIn(ctx, caller.name, request.body.current_password));
      const passwordHash = await hashPassword(request.body.new_password);
      await ctx.principals.update(caller.principalId, { passwordHash });
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/session',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['identity'],
        summary: 'Signs out: revokes the session this request carries (400 for any other credential)',
        response: { 204: { type: 'null', description: 'Signed out' } },
      },
    },
    async (request, reply) => {
      // Signing out ends a sign-in; an API token or key pair is revoked by id (DELETE /credentials/{id}).
      if (request.caller!.credentialKind !== 'session')
        throw new RegattaError('INVALID_PARAMETER', 'this request carries no session: revoke tokens and keys by id');
      await ctx.credentials.revoke(request.caller!.credentialId);
      return reply.status(204).send(null);
    },
  );
}

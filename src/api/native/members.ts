// A project's members: people with a role there, and the project's own service accounts (machines: a CI job's
// read-only key, a mirror's operator key). Anyone in the project may list them; only its admin changes them.
// The project is the request's (X-Project-Id, or the caller's only project).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { ForbiddenError, RegattaError } from '../../errors.js';
import type { Member } from '../../store/principals.js';
import { typed } from '../typed.js';
import { humanName, principalSchema, principalView, role } from './projects.js';
import { arrayOf, describe, view } from './schemas.js';

const tags = ['identity'];
const memberSchema = view({
  ...principalSchema.properties,
  role,
  source: { type: 'string', enum: ['manual', 'oidc'] },
});
const memberView = (m: Member) => ({ ...principalView(m), role: m.role, source: m.source });
const principalParam = {
  type: 'object',
  required: ['principal_id'],
  properties: { principal_id: { type: 'string', format: 'uuid' } },
} as const;
const deleted = { 204: { type: 'null', description: 'Removed' } } as const;

export function registerMemberRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = typed(fastify);
  app.get(
    '/members',
    {
      config: { access: 'read' },
      schema: {
        tags,
        summary: "The project's people and service accounts with their roles",
        response: { 200: describe('Members, service accounts first', arrayOf(memberSchema)) },
      },
    },
    async (request) => (await ctx.principals.members(request.identity!.projectId)).map(memberView),
  );

  app.post(
    '/members',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Gives a person (by name) a role in the project',
        body: {
          type: 'object',
          required: ['name', 'role'],
          additionalProperties: false,
          properties: { name: humanName, role },
        },
        response: { 200: describe('The member as it is now', memberSchema) },
      },
    },
    async (request) => {
      const projectId = request.identity!.projectId;
      const person = (await ctx.principals.users()).find((u) => u.name === request.body.name);
      if (!person) throw new RegattaError('NOT_FOUND', `no person named ${request.body.name}`);
      await ctx.principals.setRole(projectId, person.id, request.body.role);
      return memberOf(ctx, projectId, person.id);
    },
  );

  app.put(
    '/members/:principal_id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "Changes a member's role",
        params: principalParam,
        body: { type: 'object', required: ['role'], additionalProperties: false, properties: { role } },
        response: { 200: describe('The member as it is now', memberSchema) },
      },
    },
    async (request) => {
      const projectId = request.identity!.projectId;
      await memberOf(ctx, projectId, request.params.principal_id);
      await ctx.principals.setRole(projectId, request.params.principal_id, request.body.role);
      return memberOf(ctx, projectId, request.params.principal_id);
    },
  );

  app.delete(
    '/members/:principal_id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Takes a member out of the project (a service account is deleted, with its keys)',
        params: principalParam,
        response: deleted,
      },
    },
    async (request, reply) => {
      const projectId = request.identity!.projectId;
      const member = await memberOf(ctx, projectId, request.params.principal_id);
      if (member.id === request.caller!.principalId) throw new ForbiddenError('an admin cannot remove itself');
      if (member.kind === 'service') await ctx.principals.delete(member.id);
      else await ctx.principals.removeMember(projectId, member.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/service-accounts',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Creates a service account of the project with a role (then give it a token or a key pair)',
        body: {
          type: 'object',
          required: ['name', 'role'],
          additionalProperties: false,
          properties: { name: humanName, role },
        },
        response: { 201: describe('The new service account', memberSchema) },
      },
    },
    async (request, reply) => {
      const account = await ctx.principals.createServiceAccount(
        request.identity!.projectId,
        request.body.name,
        request.body.role,
      );
      return reply.status(201).send(memberView(account));
    },
  );
}

/** The project's member with this id, or NOT_FOUND (another project's principal is not found either). */
export async function memberOf(ctx: AppContext, projectId: string, principalId: string) {
  const member = (await ctx.principals.members(projectId)).find((m) => m.id === principalId);
  if (!member) throw new RegattaError('NOT_FOUND', `no member ${principalId} in this project`);
  return memberView(member);
}

// Projects and people, server-wide: a superadmin creates, renames and deletes projects and manages people
// (name, password, superadmin, disabled); anyone signed in lists the projects they belong to, with their role.
// Who am I (`/whoami`) answers with the caller's projects too: the console's project switcher reads it.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { ForbiddenError } from '../../errors.js';
import { hashPassword } from '../../services/passwords.js';
import type { Caller } from '../../store/identities.js';
import type { PrincipalView } from '../../store/principals.js';
import type { Project } from '../../store/projects.js';
import { roleIn } from '../auth/access.js';
import { typed } from '../typed.js';
import { arrayOf, bool, describe, int, isoTime, str, view } from './schemas.js';

const tags = ['identity'];
export const role = { type: 'string', enum: ['admin', 'operator', 'viewer'] } as const;
/** A human name: a project's, a person's or a service account's. */
export const humanName = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$',
} as const;
const projectId = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } as const;

const projectSchema = view({
  id: str,
  name: str,
  created_at: isoTime,
  registries: int,
  role: { type: ['string', 'null'] },
});
export const principalSchema = view({
  id: str,
  kind: { type: 'string', enum: ['user', 'service'] },
  name: str,
  superadmin: bool,
  sign_in: { type: 'string', enum: ['password', 'sso', 'password+sso', 'none'] },
  disabled: bool,
  created_at: isoTime,
});

export function principalView(p: PrincipalView) {
  return { ...p, created_at: p.created_at.toISOString() };
}

function projectView(p: Project, caller: Caller | undefined) {
  return { ...p, created_at: p.created_at.toISOString(), role: caller ? (roleIn(caller, p.id) ?? null) : null };
}

const idParam = { type: 'object', required: ['id'], properties: { id: projectId } } as const;
const userIdParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

export function registerProjectRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = typed(fastify);
  app.get(
    '/whoami',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: ['console'],
        summary: 'The caller: who, in which project with which role, and every project it belongs to',
        response: {
          200: describe(
            'The caller',
            view({
              id: str,
              name: str,
              kind: { type: 'string', enum: ['user', 'service'] },
              superadmin: bool,
              project_id: str,
              role: { type: ['string', 'null'] },
              credential: view({ id: str, kind: str }),
              projects: arrayOf(view({ id: str, name: str, role })),
            }),
          ),
        },
      },
    },
    async (request) => {
      const caller = request.caller!;
      const identity = request.identity!;
      const projects = await ctx.projects.list(caller.superadmin ? undefined : [...caller.roles.keys()]);
      const scoped = caller.credentialProject;
      return {
        id: caller.principalId,
        name: caller.name,
        kind: caller.kind,
        superadmin: caller.superadmin,
        project_id: identity.projectId,
        role: identity.role,
        credential: { id: caller.credentialId, kind: caller.credentialKind },
        projects: projects
          .filter((p) => scoped === null || p.id === scoped)
          .map((p) => ({ id: p.id, name: p.name, role: roleIn(caller, p.id)! })),
      };
    },
  );

  app.get(
    '/projects',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        summary: 'The projects the caller belongs to (every one, for a superadmin)',
        response: { 200: describe('Projects by name', arrayOf(projectSchema)) },
      },
    },
    async (request) => {
      const caller = request.caller!;
      const rows = await ctx.projects.list(caller.superadmin ? undefined : [...caller.roles.keys()]);
      return rows.map((p) => projectView(p, caller));
    },
  );

  app.post(
    '/projects',
    {
      config: { access: 'superadmin' },
      schema: {
        tags,
        summary: 'Creates a project (its id: 32 lowercase hex characters)',
        body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: humanName } },
        response: { 201: describe('The new project', projectSchema) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(projectView(await ctx.projects.create(request.body.name), request.caller)),
  );

  app.patch(
    '/projects/:id',
    {
      config: { access: 'superadmin' },
      schema: {
        tags,
        summary: 'Renames a project',
        params: idParam,
        body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: humanName } },
        response: { 200: describe('The renamed project', projectSchema) },
      },
    },
    async (request) => projectView(await ctx.projects.rename(request.params.id, request.body.name), request.caller),
  );

  app.delete(
    '/projects/:id',
    {
      config: { access: 'superadmin' },
      schema: {
        tags,
        summary: 'Deletes a project; refused while it holds registries unless force=true (which deletes them too)',
        params: idParam,
        querystring: { type: 'object', properties: { force: { type: 'boolean', default: false } } },
        response: { 204: { type: 'null', description: 'Deleted' } },
      },
    },
    async (request, reply) => {
      await ctx.projects.delete(request.params.id, request.query.force);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/users',
    {
      config: { access: 'superadmin' },
      schema: {
        tags,
        summary: 'Every person',
        response: { 200: describe('People by name', arrayOf(principalSchema)) },
      },
    },
    async () => (await ctx.principals.users()).map(principalView),
  );

  app.post(
    '/users',
    {
      config: { access: 'superadmin' },
      schema: {
        tags,
        summary: 'Adds a person (a password for sign-in, or none for single sign-on only)',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: humanName, password: { type: 'string', maxLength: 1024 }, superadmin: bool },
        },
        response: { 201: describe('The new person', principalSchema) },
      },
    },
    async (request, reply) => {
      const { name, password, superadmin } = request.body;
      const passwordHash = password === undefined ? undefined : await hashPassword(password);
      const user = await ctx.principals.createUser({ name, passwordHash, superadmin });
      return reply.status(201).send(principalView(user));
    },
  );

  app.patch(
    '/users/:id',
    {
      config: { access: 'superadmin' },
      schema: {
        tags,
        summary:
          "Changes a person's password, superadmin flag or disabled state (a disabled person's credentials stop working)",
        params: userIdParam,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { password: { type: ['string', 'null'], maxLength: 1024 }, superadmin: bool, disabled: bool },
        },
        response: { 200: describe('The person as changed', principalSchema) },
      },
    },
    async (request) => {
      const { password, superadmin, disabled } = request.body;
      if (request.params.id === request.caller!.principalId && (superadmin === false || disabled === true))
        throw new ForbiddenError('a superadmin cannot demote or disable itself');
      const passwordHash = password === undefined ? undefined : password === null ? null : await hashPassword(password);
      return principalView(await ctx.principals.update(request.params.id, { passwordHash, superadmin, disabled }));
    },
  );

  app.delete(
    '/users/:id',
    {
      config: { access: 'superadmin' },
      schema: {
        tags,
        summary: 'Deletes a person with their credentials and roles',
        params: userIdParam,
        response: { 204: { type: 'null', description: 'Deleted' } },
      },
    },
    async (request, reply) => {
      if (request.params.id === request.caller!.principalId)
        throw new ForbiddenError('a superadmin cannot delete itself');
      await ctx.principals.delete(request.params.id);
      return reply.status(204).send(null);
    },
  );
}

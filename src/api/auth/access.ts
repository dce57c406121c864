// Authorisation, in one place: every route of every API family declares the permission it needs
// (`config.access`), and `authorize` decides, for an authenticated caller and the project the request acts in,
// whether that permission is granted. Roles per project: viewer (read), operator (read, write), admin (read,
// write, admin: members and keys); a superadmin is admin in every project and manages the server (projects,
// people, metrics). A credential scoped to one project acts in that project only, whoever holds it.
import { ForbiddenError } from '../../errors.js';
import type { Caller, Identity, Role } from '../../store/identities.js';

/**
 * What a route needs:
 * - `public`: nothing (health, documents, the console's files, sign-in itself);
 * - `signed-in`: any valid credential, in no particular project (who am I, my own credentials);
 * - `read` / `write` / `admin`: that role's grant in the request's project;
 * - `superadmin`: a server-level operation;
 * - `metrics`: a superadmin, or Prometheus with the scrape token (REGATTA_METRICS_TOKEN);
 * - `per-action`: the route is an RPC endpoint whose actions declare their own (ACR's `/`).
 */
export type Permission = 'public' | 'signed-in' | 'read' | 'write' | 'admin' | 'superadmin' | 'metrics' | 'per-action';

/** A permission an action or a project-scoped route can declare. */
export type ProjectPermission = 'read' | 'write' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission the route needs: every route declares one (the route-table walk test checks). */
    access?: Permission;
  }
}

const GRANTS: Record<Role, readonly ProjectPermission[]> = {
  viewer: ['read'],
  operator: ['read', 'write'],
  admin: ['read', 'write', 'admin'],
};

export function grants(role: Role, permission: ProjectPermission): boolean {
  return GRANTS[role].includes(permission);
}

/** The caller's role in `projectId`: a superadmin is admin everywhere; undefined when it is no member. */
export function roleIn(caller: Caller, projectId: string): Role | undefined {
  return caller.superadmin ? 'admin' : caller.roles.get(projectId);
}

/**
 * The project a request acts in: the one it names (HSS's path, X-Project-Id elsewhere), else the credential's
 * scope, else the principal's only project. A named project outside the credential's scope is refused.
 */
export function projectOf(caller: Caller, named: string | undefined): string | undefined {
  if (named !== undefined) {
    if (caller.credentialProject !== null && named !== caller.credentialProject)
      throw new ForbiddenError(`this credential acts in project ${caller.credentialProject} only`);
    return named;
  }
  if (caller.credentialProject !== null) return caller.credentialProject;
  if (caller.roles.size === 1) return [...caller.roles.keys()][0];
  return undefined;
}

/** The identity a request runs as, or ForbiddenError when `permission` is not granted. */
export function authorize(caller: Caller, permission: Permission, named: string | undefined): Identity {
  const base = {
    id: caller.principalId,
    name: caller.name,
    superadmin: caller.superadmin,
    credentialId: caller.credentialId,
  };
  if (permission === 'public' || permission === 'per-action')
    throw new Error(`authorize: ${permission} is not a permission to check`);
  if (permission === 'superadmin' || permission === 'metrics' || permission === 'signed-in') {
    if (permission !== 'signed-in' && !caller.superadmin) throw new ForbiddenError('only a superadmin may do this');
    const project = safeProject(caller, named);
    return {
      ...base,
      projectId: project ?? '',
      role: project === undefined ? null : (roleIn(caller, project) ?? null),
    };
  }
  const project = projectOf(caller, named);
  if (project === undefined)
    throw new ForbiddenError('this caller belongs to several projects: name one (X-Project-Id header)');
  const role = roleIn(caller, project);
  if (!role) throw new ForbiddenError(`no access to project ${project}`);
  if (!grants(role, permission)) throw new ForbiddenError(`the ${role} role may not ${VERB[permission]}`);
  return { ...base, projectId: project, role };
}

const VERB: Record<ProjectPermission, string> = {
  read: 'read this',
  write: 'change this',
  admin: "manage the project's members and keys",
};

/** The project of a server-level request, if one can be told; never refuses. */
function safeProject(caller: Caller, named: string | undefined): string | undefined {
  try {
    return projectOf(caller, named);
  } catch {
    return undefined;
  }
}

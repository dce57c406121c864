// Who is signed in and what they may do in the project the console acts in, for pages that hide what the role
// cannot do (the server still refuses it: this only spares a person buttons that would answer 403). The grants
// are the server's (src/api/auth/access.ts): viewer reads; operator also changes; admin also manages members and
// keys; a superadmin is admin in every project and manages projects and people.
import { useMemo } from 'react';
import type { Role, Whoami } from '../api/types';
import { useAuth } from '../auth';

export type Permission = 'read' | 'write' | 'admin' | 'superadmin';

const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ['read'],
  operator: ['read', 'write'],
  admin: ['read', 'write', 'admin'],
};

export function granted(role: Role | null, superadmin: boolean, permission: Permission): boolean {
  if (permission === 'superadmin') return superadmin;
  return role !== null && GRANTS[role].includes(permission);
}

export interface IdentityView {
  id: string;
  name: string;
  kind: Whoami['kind'];
  superadmin: boolean;
  /** The project the console acts in ('' when none). */
  projectId: string;
  /** The caller's role there (null: none). */
  role: Role | null;
  projects: Whoami['projects'];
  credential: Whoami['credential'];
  /** Whether the role in the current project (or the server-level flag) allows `permission`. */
  can(permission: Permission): boolean;
  /** A project's name, or its id when the caller does not see it. */
  projectName(id: string | null | undefined): string;
  refresh(): Promise<void>;
}

export function useIdentity(): IdentityView {
  const { session } = useAuth();
  if (!session) throw new Error('useIdentity without a session');
  const { me, role, projectId, refresh } = session;
  return useMemo(() => {
    const names = new Map(me.projects.map((p) => [p.id, p.name]));
    return {
      id: me.id,
      name: me.name,
      kind: me.kind,
      superadmin: me.superadmin,
      projectId,
      role,
      projects: me.projects,
      credential: me.credential,
      can: (permission: Permission) => granted(role, me.superadmin, permission),
      projectName: (id: string | null | undefined) => (id ? (names.get(id) ?? id) : '—'),
      refresh,
    };
  }, [me, role, projectId, refresh]);
}

export const ROLE_LABELS: Record<Role, string> = { admin: 'Admin', operator: 'Operator', viewer: 'Viewer' };
export const ROLE_COLORS: Record<Role, string> = { admin: 'volcano', operator: 'blue', viewer: 'default' };
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/** How a person signs in, in words (a service account has keys only). */
export const SIGN_IN_LABELS: Record<'password' | 'sso' | 'password+sso' | 'none', string> = {
  password: 'Password',
  sso: 'Single sign-on',
  'password+sso': 'Password or single sign-on',
  none: 'Keys only',
};

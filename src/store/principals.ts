// People and service accounts, and their roles per project (memberships). A person is server-wide (a name,
// maybe a password hash, maybe an OpenID Connect subject); a service account belongs to one project, is that
// project's member with one role, and goes when the project goes.
import type { Kysely } from 'kysely';
import { RegattaError } from '../errors.js';
import type { Role } from './identities.js';
import type { Schema } from './schema.js';

export interface PrincipalView {
  id: string;
  kind: 'user' | 'service';
  name: string;
  superadmin: boolean;
  /** How the person signs in: password, sso, both, or none (machine credentials only). */
  sign_in: 'password' | 'sso' | 'password+sso' | 'none';
  disabled: boolean;
  created_at: Date;
}

export interface Member extends PrincipalView {
  role: Role;
  source: 'manual' | 'oidc';
}

const VIEW = [
  'p.id',
  'p.kind',
  'p.name',
  'p.superadmin',
  'p.password_hash',
  'p.oidc_subject',
  'p.disabled_at',
  'p.created_at',
] as const;

type ViewRow = {
  id: string;
  kind: 'user' | 'service';
  name: string;
  superadmin: boolean;
  password_hash: string | null;
  oidc_subject: string | null;
  disabled_at: Date | null;
  created_at: Date;
};

function viewOf(r: ViewRow): PrincipalView {
  const ways = [r.password_hash ? 'password' : '', r.oidc_subject ? 'sso' : ''].filter(Boolean).join('+');
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    superadmin: r.superadmin,
    sign_in: (ways || 'none') as PrincipalView['sign_in'],
    disabled: r.disabled_at !== null,
    created_at: r.created_at,
  };
}

export class PrincipalStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async createUser(init: { name: string; passwordHash?: string; superadmin?: boolean }): Promise<PrincipalView> {
    const row = await this.insert({
      kind: 'user',
      name: init.name,
      owner_project_id: null,
      password_hash: init.passwordHash ?? null,
      superadmin: init.superadmin ?? false,
    });
    return viewOf(row);
  }

  /** A service account of `projectId` with `role` there. */
  async createServiceAccount(projectId: string, name: string, role: Role): Promise<Member> {
    return this.db.transaction().execute(async (trx) => {
      const row = await new PrincipalStore(trx).insert({
        kind: 'service',
        name,
        owner_project_id: projectId,
        password_hash: null,
        superadmin: false,
      });
      await trx.insertInto('memberships').values({ project_id: projectId, principal_id: row.id, role }).execute();
      return { ...viewOf(row), role, source: 'manual' as const };
    });
  }

  private async insert(values: {
    kind: 'user' | 'service';
    name: string;
    owner_project_id: string | null;
    password_hash: string | null;
    superadmin: boolean;
  }): Promise<ViewRow> {
    try {
      return await this.db
        .insertInto('principals')
        .values(values)
        .returning(['id', 'kind', 'name', 'superadmin', 'password_hash', 'oidc_subject', 'disabled_at', 'created_at'])
        .executeTakeFirstOrThrow();
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        throw new RegattaError('CONFLICT', `the name ${values.name} is taken`);
      throw err;
    }
  }

  /** Every person (service accounts are listed per project, as members). */
  async users(): Promise<PrincipalView[]> {
    const rows = await this.db
      .selectFrom('principals as p')
      .select(VIEW)
      .where('p.kind', '=', 'user')
      .orderBy('p.name')
      .execute();
    return rows.map(viewOf);
  }

  async get(id: string): Promise<PrincipalView | undefined> {
    const row = await this.db.selectFrom('principals as p').select(VIEW).where('p.id', '=', id).executeTakeFirst();
    return row && viewOf(row);
  }

  /** A person by name, with the password hash, for sign-in. */
  async userForSignIn(name: string): Promise<{ id: string; passwordHash: string | null } | undefined> {
    const row = await this.db
      .selectFrom('principals')
      .select(['id', 'password_hash'])
      .where('kind', '=', 'user')
      .where('owner_project_id', 'is', null)
      .where('name', '=', name)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    return row && { id: row.id, passwordHash: row.password_hash };
  }

  async update(
    id: string,
    change: { passwordHash?: string | null; superadmin?: boolean; disabled?: boolean },
  ): Promise<PrincipalView> {
    const set: Partial<{ password_hash: string | null; superadmin: boolean; disabled_at: Date | null }> = {};
    if (change.passwordHash !== undefined) set.password_hash = change.passwordHash;
    if (change.superadmin !== undefined) set.superadmin = change.superadmin;
    if (change.disabled !== undefined) set.disabled_at = change.disabled ? new Date() : null;
    if (Object.keys(set).length > 0) await this.db.updateTable('principals').set(set).where('id', '=', id).execute();
    const view = await this.get(id);
    if (!view) throw new RegattaError('NOT_FOUND', `no user or service account ${id}`);
    return view;
  }

  async delete(id: string): Promise<void> {
    const r = await this.db.deleteFrom('principals').where('id', '=', id).executeTakeFirst();
    if (r.numDeletedRows === 0n) throw new RegattaError('NOT_FOUND', `no user or service account ${id}`);
  }

  /** The project's members (people and its service accounts) with their roles. */
  async members(projectId: string): Promise<Member[]> {
    const rows = await this.db
      .selectFrom('memberships as m')
      .innerJoin('principals as p', 'p.id', 'm.principal_id')
      .select(VIEW)
      .select(['m.role', 'm.source'])
      .where('m.project_id', '=', projectId)
      .orderBy('p.kind', 'desc')
      .orderBy('p.name')
      .execute();
    return rows.map((r) => ({ ...viewOf(r), role: r.role, source: r.source }));
  }

  /** The projects a principal is a member of. */
  async projectsOf(principalId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('memberships')
      .select('project_id')
      .where('principal_id', '=', principalId)
      .execute();
    return rows.map((r) => r.project_id);
  }

  /** Gives a person (or the project's own service account) `role` in the project. */
  async setRole(
    projectId: string,
    principalId: string,
    role: Role,
    source: 'manual' | 'oidc' = 'manual',
  ): Promise<void> {
    const principal = await this.db
      .selectFrom('principals')
      .select(['kind', 'owner_project_id'])
      .where('id', '=', principalId)
      .executeTakeFirst();
    if (!principal) throw new RegattaError('NOT_FOUND', `no user or service account ${principalId}`);
    if (principal.kind === 'service' && principal.owner_project_id !== projectId)
      throw new RegattaError('INVALID_PARAMETER', 'a service account is a member of its own project only');
    await this.db
      .insertInto('memberships')
      .values({ project_id: projectId, principal_id: principalId, role, source })
      .onConflict((oc) => oc.columns(['project_id', 'principal_id']).doUpdateSet({ role, source }))
      .execute();
  }

  async removeMember(projectId: string, principalId: string): Promise<void> {
    const r = await this.db
      .deleteFrom('memberships')
      .where('project_id', '=', projectId)
      .where('principal_id', '=', principalId)
      .executeTakeFirst();
    if (r.numDeletedRows === 0n) throw new RegattaError('NOT_FOUND', `${principalId} is not a member of ${projectId}`);
  }

  /**
   * A sign-in whose groups no longer map to any role: the roles earlier sign-ins derived from groups go, and so
   * do the person's console sessions (roles given by hand stay, as do API tokens and keys, which an admin revokes).
   */
  async dropOidcAccess(subject: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('principals')
        .select('id')
        .where('oidc_subject', '=', subject)
        .executeTakeFirst();
      if (!row) return;
      await trx.deleteFrom('memberships').where('principal_id', '=', row.id).where('source', '=', 'oidc').execute();
      await trx.updateTable('principals').set({ superadmin: false }).where('id', '=', row.id).execute();
      await trx
        .updateTable('credentials')
        .set({ revoked_at: new Date() })
        .where('principal_id', '=', row.id)
        .where('kind', '=', 'session')
        .where('revoked_at', 'is', null)
        .execute();
    });
  }

  /**
   * The person an OpenID Connect sign-in names (created on first sign-in), with the roles the provider's groups
   * map to replacing the ones the last sign-in gave (manual memberships stay).
   */
  async upsertOidcUser(
    subject: string,
    name: string,
    roles: ReadonlyMap<string, Role>,
    superadmin: boolean,
  ): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      let row = await trx.selectFrom('principals').select('id').where('oidc_subject', '=', subject).executeTakeFirst();
      if (!row) {
        // A first sign-in whose name a person already holds is refused: the subject does not take an account over.
        row = await trx
          .insertInto('principals')
          .values({ kind: 'user', name, owner_project_id: null, oidc_subject: subject, superadmin })
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!row) throw new RegattaError('CONFLICT', `the name ${name} is taken by another person`);
      } else {
        await trx.updateTable('principals').set({ superadmin }).where('id', '=', row.id).execute();
      }
      await trx.deleteFrom('memberships').where('principal_id', '=', row.id).where('source', '=', 'oidc').execute();
      for (const [project, role] of roles) {
        await trx
          .insertInto('memberships')
          .values({ project_id: project, principal_id: row.id, role, source: 'oidc' })
          .onConflict((oc) => oc.columns(['project_id', 'principal_id']).doNothing())
          .execute();
      }
      return row.id;
    });
  }
}

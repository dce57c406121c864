// Who is calling: a credential (an API token or console session, kept as its SHA-256; or an access key pair, the
// SK encrypted since verifying a signature needs it) resolved to its principal and the principal's roles. Looked
// up on every request, never cached: a credential revoked or expired on one process fails on the next request to
// any process sharing the database. `last_used_at` is written at most once a minute per credential and process.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';
import type { SecretBox } from './secrets.js';

export type Role = 'admin' | 'operator' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'operator', 'viewer'];

/** A caller resolved from its credential, before a project is chosen for the request. */
export interface Caller {
  principalId: string;
  kind: 'user' | 'service';
  name: string;
  superadmin: boolean;
  /** The principal's role in each project it belongs to. */
  roles: ReadonlyMap<string, Role>;
  credentialId: string;
  credentialKind: 'token' | 'session' | 'access_key';
  /** The one project the credential acts in, or null for any project of the principal. */
  credentialProject: string | null;
}

/** The caller of one request, acting in one project (the project its route or X-Project-Id chose). */
export interface Identity {
  /** The principal's id (SWR's syncOperatorId). */
  id: string;
  name: string;
  projectId: string;
  /** The principal's role in projectId (a superadmin is admin everywhere); null on server-level routes. */
  role: Role | null;
  superadmin: boolean;
  credentialId: string;
}

/** The name of the person REGATTA_BOOTSTRAP_* makes: the installation's first superadmin. */
export const BOOTSTRAP_ADMIN = 'bootstrap-admin';
/** The names of the bootstrap credentials (replaced when the variables change). */
const BOOTSTRAP_TOKEN = 'bootstrap token';
const BOOTSTRAP_KEY = 'bootstrap key';

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const TOUCH_INTERVAL_MS = 60_000;

export class IdentityStore {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secrets: SecretBox,
  ) {}

  /** The live credential with this token (not revoked, not expired, its principal not disabled). */
  async byToken(token: string): Promise<Caller | undefined> {
    return this.live('token_sha256', tokenHash(token)).then((row) => row && this.callerOf(row));
  }

  /** The caller of this access key and its decrypted secret key, for signature verification. */
  async byAccessKey(accessKey: string): Promise<(Caller & { secretKey: string }) | undefined> {
    const row = await this.live('access_key', accessKey);
    if (!row?.secret_key_enc) return undefined;
    return { ...(await this.callerOf(row)), secretKey: this.secrets.decrypt(row.secret_key_enc) };
  }

  private live(column: 'token_sha256' | 'access_key', value: string) {
    return this.db
      .selectFrom('credentials as c')
      .innerJoin('principals as p', 'p.id', 'c.principal_id')
      .select(['c.id', 'c.kind as credential_kind', 'c.project_id', 'c.secret_key_enc'])
      .select(['p.id as principal_id', 'p.kind', 'p.name', 'p.superadmin'])
      .where(`c.${column}`, '=', value)
      .where('c.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('c.expires_at', 'is', null), eb('c.expires_at', '>', new Date())]))
      .where('p.disabled_at', 'is', null)
      .executeTakeFirst();
  }

  private async callerOf(row: {
    id: string;
    credential_kind: Caller['credentialKind'];
    project_id: string | null;
    principal_id: string;
    kind: Caller['kind'];
    name: string;
    superadmin: boolean;
  }): Promise<Caller> {
    this.touch(row.id);
    return {
      principalId: row.principal_id,
      kind: row.kind,
      name: row.name,
      superadmin: row.superadmin,
      roles: await this.rolesOf(row.principal_id),
      credentialId: row.id,
      credentialKind: row.credential_kind,
      credentialProject: row.project_id,
    };
  }

  /** A principal as a caller holding no credential yet (a person who just signed in). */
  async byPrincipal(principalId: string): Promise<Caller | undefined> {
    const row = await this.db
      .selectFrom('principals')
      .select(['kind', 'name', 'superadmin'])
      .where('id', '=', principalId)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    const roles = await this.rolesOf(principalId);
    return { principalId, ...row, roles, credentialId: '', credentialKind: 'session', credentialProject: null };
  }

  private async rolesOf(principalId: string): Promise<Map<string, Role>> {
    const memberships = await this.db
      .selectFrom('memberships')
      .select(['project_id', 'role'])
      .where('principal_id', '=', principalId)
      .execute();
    return new Map(memberships.map((m) => [m.project_id, m.role]));
  }

  /** Records the credential's use, at most once a minute per process (a write per request would be waste). */
  private touch(credentialId: string): void {
    const now = Date.now();
    if (now - (this.touched.get(credentialId) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.touched.set(credentialId, now);
    if (this.touched.size > 10_000) this.touched.clear();
    void this.db
      .updateTable('credentials')
      .set({ last_used_at: new Date(now) })
      .where('id', '=', credentialId)
      .execute()
      .catch(() => {
        // Bookkeeping only: a failed write must not fail the request it rides on.
      });
  }

  /** Ids of the project's principals with these names, the oldest for a name used twice (SWR syncOperatorId). */
  async idsByName(projectId: string, names: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(names.filter((n) => n !== ''))];
    if (wanted.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('principals as p')
      .innerJoin('memberships as m', 'm.principal_id', 'p.id')
      .select(['p.id', 'p.name'])
      .where('m.project_id', '=', projectId)
      .where('p.name', 'in', wanted)
      .orderBy('p.created_at')
      .execute();
    const ids = new Map<string, string>();
    for (const r of rows) if (!ids.has(r.name)) ids.set(r.name, r.id);
    return ids;
  }

  /**
   * Makes sure the project exists with `name` in it as admin, holding this token and key pair.
   * `bootstrap-admin` is a person and a superadmin (its credentials act in any project); any other name a service
   * account of the project (its credentials act there only).
   * Idempotent: a restart with the same settings changes nothing; changed settings replace the credentials.
   */
  async ensure(init: {
    projectId: string;
    name: string;
    token?: string;
    accessKey?: string;
    secretKey?: string;
  }): Promise<void> {
    const person = init.name === BOOTSTRAP_ADMIN;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('projects')
        .values({ id: init.projectId, name: init.projectId })
        .onConflict((oc) => oc.doNothing())
        .execute();
      const owner = person ? null : init.projectId;
      let principal = await trx
        .selectFrom('principals')
        .select('id')
        .where('name', '=', init.name)
        .where((eb) => (owner ? eb('owner_project_id', '=', owner) : eb('owner_project_id', 'is', null)))
        .executeTakeFirst();
      principal ??= await trx
        .insertInto('principals')
        .values({ kind: person ? 'user' : 'service', name: init.name, owner_project_id: owner, superadmin: person })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('memberships')
        .values({ project_id: init.projectId, principal_id: principal.id, role: 'admin' })
        .onConflict((oc) => oc.columns(['project_id', 'principal_id']).doUpdateSet({ role: 'admin' }))
        .execute();
      // The superadmin's credentials act in any project (it names one per request); a service account's in its own.
      const base = { principal_id: principal.id, project_id: owner, created_by: 'bootstrap' };
      const kept = (name: string) =>
        trx.selectFrom('credentials').selectAll().where('principal_id', '=', principal.id).where('name', '=', name);
      if (init.token) {
        const existing = await kept(BOOTSTRAP_TOKEN).executeTakeFirst();
        const values = { ...base, kind: 'token' as const, name: BOOTSTRAP_TOKEN, token_sha256: tokenHash(init.token) };
        if (!existing) await trx.insertInto('credentials').values(values).execute();
        else if (existing.token_sha256 !== values.token_sha256 || existing.revoked_at)
          await trx
            .updateTable('credentials')
            .set({ ...values, revoked_at: null })
            .where('id', '=', existing.id)
            .execute();
      }
      if (init.accessKey && init.secretKey) {
        const existing = await kept(BOOTSTRAP_KEY).executeTakeFirst();
        const values = { ...base, kind: 'access_key' as const, name: BOOTSTRAP_KEY, access_key: init.accessKey };
        const same =
          existing?.access_key === init.accessKey &&
          !existing.revoked_at &&
          existing.secret_key_enc !== null &&
          this.secrets.decrypt(existing.secret_key_enc) === init.secretKey;
        const row = { ...values, secret_key_enc: this.secrets.encrypt(init.secretKey), revoked_at: null };
        if (!existing) await trx.insertInto('credentials').values(row).execute();
        else if (!same) await trx.updateTable('credentials').set(row).where('id', '=', existing.id).execute();
      }
    });
  }
}

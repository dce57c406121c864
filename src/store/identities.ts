// Who may call the API: tokens (kept as SHA-256, compared by hash) and access key pairs (the secret key
// encrypted, since verifying a signature needs it). Each identity acts in exactly one project.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';
import type { SecretBox } from './secrets.js';

export interface Identity {
  id: string;
  projectId: string;
  name: string;
}

/** The name of the identity REGATTA_BOOTSTRAP_* makes: the installation's first admin. */
export const BOOTSTRAP_ADMIN = 'bootstrap-admin';

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class IdentityStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secrets: SecretBox,
  ) {}

  async byToken(token: string): Promise<Identity | undefined> {
    const row = await this.db
      .selectFrom('identities')
      .select(['id', 'project_id', 'name'])
      .where('token_sha256', '=', tokenHash(token))
      .executeTakeFirst();
    return row && { id: row.id, projectId: row.project_id, name: row.name };
  }

  /** Ids of the project's identities with these names, the oldest for a name used twice (SWR syncOperatorId). */
  async idsByName(projectId: string, names: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(names.filter((n) => n !== ''))];
    if (wanted.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('identities')
      .select(['id', 'name'])
      .where('project_id', '=', projectId)
      .where('name', 'in', wanted)
      .orderBy('created_at')
      .execute();
    const ids = new Map<string, string>();
    for (const r of rows) if (!ids.has(r.name)) ids.set(r.name, r.id);
    return ids;
  }

  /** The identity and its decrypted secret key, for signature verification. */
  async byAccessKey(accessKey: string): Promise<(Identity & { secretKey: string }) | undefined> {
    const row = await this.db
      .selectFrom('identities')
      .select(['id', 'project_id', 'name', 'secret_key_enc'])
      .where('access_key', '=', accessKey)
      .executeTakeFirst();
    if (!row?.secret_key_enc) return undefined;
    return {
      id: row.id,
      projectId: row.project_id,
      name: row.name,
      secretKey: this.secrets.decrypt(row.secret_key_enc),
    };
  }

  /**
   * Creates (or updates) the project and an admin identity named `name` with this token and key pair:
   * idempotent, so a server restarted with the same bootstrap settings changes nothing.
   */
  async ensure(init: {
    projectId: string;
    name: string;
    token?: string;
    accessKey?: string;
    secretKey?: string;
  }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('projects')
        .values({ id: init.projectId })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      const values = {
        project_id: init.projectId,
        name: init.name,
        token_sha256: init.token ? tokenHash(init.token) : null,
        access_key: init.accessKey ?? null,
        secret_key_enc: init.secretKey ? this.secrets.encrypt(init.secretKey) : null,
      };
      const existing = await trx
        .selectFrom('identities')
        .select('id')
        .where('project_id', '=', init.projectId)
        .where('name', '=', init.name)
        .executeTakeFirst();
      if (existing) await trx.updateTable('identities').set(values).where('id', '=', existing.id).execute();
      else await trx.insertInto('identities').values(values).execute();
    });
  }
}

// Credentials a principal holds: API tokens and console sessions (the secret shown once, only its SHA-256 kept)
// and AK/SK pairs for the Huawei and Alibaba signatures (the SK shown once and kept encrypted: the verifier needs
// it). Each has a name, an optional expiry and project scope, a last-used time, and is revoked, never deleted,
// so that the audit log keeps naming something.
import { randomBytes, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { RegattaError } from '../errors.js';
import { tokenHash } from './identities.js';
import type { Schema } from './schema.js';
import type { SecretBox } from './secrets.js';

export type CredentialKind = 'token' | 'session' | 'access_key';

/** What may be shown of a credential: never its secret. */
export interface CredentialView {
  id: string;
  kind: CredentialKind;
  name: string;
  principal_id: string;
  principal_name: string;
  project_id: string | null;
  /** The AK of a key pair (not secret: it is sent with every signed request). */
  access_key: string | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by: string | null;
  created_at: Date;
}

export interface NewCredential {
  principalId: string;
  name: string;
  projectId: string | null;
  expiresAt: Date | null;
  createdBy: string;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE62 = `${ALNUM}abcdefghijklmnopqrstuvwxyz`;

function randomText(alphabet: string, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

export class CredentialStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secrets: SecretBox,
  ) {}

  /** A new token (or console session): its secret is returned here once and never again. */
  async createToken(
    init: NewCredential,
    kind: 'token' | 'session' = 'token',
  ): Promise<CredentialView & { token: string }> {
    // 256 bits, prefixed so that secret scanners (and people) recognise a leaked one.
    const token = `rgt_${randomBytes(32).toString('base64url')}`;
    const row = await this.insert(init, { kind, token_sha256: tokenHash(token) });
    return { ...row, token };
  }

  /** A new AK/SK pair as Huawei's IAM shapes them (20 and 40 characters); the SK is returned here once. */
  async createAccessKey(init: NewCredential): Promise<CredentialView & { secret_key: string }> {
    const secretKey = randomText(BASE62, 40);
    const row = await this.insert(init, {
      kind: 'access_key',
      access_key: randomText(ALNUM, 20),
      secret_key_enc: this.secrets.encrypt(secretKey),
    });
    return { ...row, secret_key: secretKey };
  }

  private async insert(
    init: NewCredential,
    secret: { kind: CredentialKind; token_sha256?: string; access_key?: string; secret_key_enc?: string },
  ): Promise<CredentialView> {
    const { id } = await this.db
      .insertInto('credentials')
      .values({
        principal_id: init.principalId,
        name: init.name,
        project_id: init.projectId,
        expires_at: init.expiresAt,
        created_by: init.createdBy,
        ...secret,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.get(id))!;
  }

  private select() {
    return this.db
      .selectFrom('credentials as c')
      .innerJoin('principals as p', 'p.id', 'c.principal_id')
      .select(['c.id', 'c.kind', 'c.name', 'c.principal_id', 'p.name as principal_name', 'c.project_id'])
      .select(['c.access_key', 'c.expires_at', 'c.last_used_at', 'c.revoked_at', 'c.created_by', 'c.created_at']);
  }

  async get(id: string): Promise<CredentialView | undefined> {
    return this.select().where('c.id', '=', id).executeTakeFirst();
  }

  /**
   * Credentials of one principal, or of every principal acting in a project (scoped to it, or held by its
   * members with no scope), newest first; console sessions only when asked for.
   */
  async list(filter: { principalId?: string; projectId?: string; sessions?: boolean }): Promise<CredentialView[]> {
    let q = this.select().orderBy('c.created_at', 'desc').limit(1000);
    if (filter.principalId) q = q.where('c.principal_id', '=', filter.principalId);
    if (filter.projectId) {
      const projectId = filter.projectId;
      q = q.where((eb) =>
        eb.or([
          eb('c.project_id', '=', projectId),
          eb.and([
            eb('c.project_id', 'is', null),
            eb(
              'c.principal_id',
              'in',
              eb.selectFrom('memberships').select('principal_id').where('project_id', '=', projectId),
            ),
          ]),
        ]),
      );
    }
    if (!filter.sessions) q = q.where('c.kind', '<>', 'session');
    return q.execute();
  }

  /** Revokes the credential: its next request fails, on every process. Revoking twice is a no-op. */
  async revoke(id: string): Promise<CredentialView> {
    await this.db
      .updateTable('credentials')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    const view = await this.get(id);
    if (!view) throw new RegattaError('NOT_FOUND', `no credential ${id}`);
    return view;
  }
}

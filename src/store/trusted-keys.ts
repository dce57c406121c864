// Signers a project trusts for image signatures: public keys (signing/keys.ts checks them before they are stored)
// and keyless identities (signing/keyless.ts). Each is named within its project; rules' `signed_by` gates name
// them. Nothing here is secret: keys are stored as PEM, identities as issuer, subject and trusted root.
import type { Kysely, Selectable } from 'kysely';
import { RegattaError } from '../errors.js';
import type { Schema } from './schema.js';

export type TrustedKeyRow = Selectable<Schema['trusted_keys']>;

/** A public key (canonical PEM) or a keyless identity, checked, with its fingerprint. */
export type NewSigner = { name: string; fingerprint: string } & (
  | { pem: string }
  | { issuer: string; subject: string; trustedRoot: string }
);

export class TrustedKeyStore {
  constructor(private readonly db: Kysely<Schema>) {}

  /** @throws RegattaError CONFLICT when the project already has a signer of that name */
  async add(projectId: string, key: NewSigner): Promise<TrustedKeyRow> {
    const values =
      'pem' in key
        ? { kind: 'key' as const, public_key_pem: key.pem }
        : { kind: 'keyless' as const, issuer: key.issuer, subject: key.subject, trusted_root: key.trustedRoot };
    try {
      return await this.db
        .insertInto('trusted_keys')
        .values({ project_id: projectId, name: key.name, fingerprint: key.fingerprint, ...values })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new RegattaError('CONFLICT', `the project already trusts a key named ${key.name}`);
      }
      throw err;
    }
  }

  /** The project's keys by name; only those named in `names` when given. */
  async list(projectId: string, names?: readonly string[]): Promise<TrustedKeyRow[]> {
    if (names && names.length === 0) return [];
    let q = this.db.selectFrom('trusted_keys').selectAll().where('project_id', '=', projectId);
    if (names) q = q.where('name', 'in', names);
    return q.orderBy('name').execute();
  }

  /** False when the project has no key of that name. */
  async remove(projectId: string, name: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('trusted_keys')
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

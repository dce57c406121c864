// The latest verification of a digest's signatures against each trusted key, beside its scan result. Like scan
// results, checks describe bytes (a digest) and a key (its fingerprint), not a project: which rows a caller sees
// is decided by the images and keys of its project (images-query.ts joins the project's keys).
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Schema } from './schema.js';

export type SignatureCheckRow = Selectable<Schema['signature_checks']>;

export interface SignatureCheck {
  fingerprint: string;
  verified: boolean;
  signatures: number;
  detail: string | null;
}

export class SignatureCheckStore {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Records the checks of `digest` just made (one per key), where its signatures were looked for. */
  async record(digest: string, where: { registryId: string; repository: string }, checks: SignatureCheck[]) {
    if (checks.length === 0) return;
    await this.db
      .insertInto('signature_checks')
      .values(
        checks.map((c) => ({
          digest,
          key_fingerprint: c.fingerprint,
          verified: c.verified,
          signatures: c.signatures,
          detail: c.detail,
          registry_id: where.registryId,
          repository: where.repository,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['digest', 'key_fingerprint']).doUpdateSet((eb) => ({
          verified: eb.ref('excluded.verified'),
          signatures: eb.ref('excluded.signatures'),
          detail: eb.ref('excluded.detail'),
          registry_id: eb.ref('excluded.registry_id'),
          repository: eb.ref('excluded.repository'),
          checked_at: sql`now()`,
        })),
      )
      .execute();
  }

  async forDigest(digest: string, fingerprints: readonly string[]): Promise<SignatureCheckRow[]> {
    if (fingerprints.length === 0) return [];
    return this.db
      .selectFrom('signature_checks')
      .selectAll()
      .where('digest', '=', digest)
      .where('key_fingerprint', 'in', fingerprints)
      .execute();
  }
}

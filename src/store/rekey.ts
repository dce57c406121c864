// Secret key rotation: every secret sealed with a previous key (REGATTA_SECRET_KEY_PREVIOUS) is sealed again
// with the current one, in one transaction, at start (cli/runtime.ts). Registry passwords and the SKs of key
// pairs are the secrets kept; a row is rewritten only when it needs it, so a start without rotation reads and
// writes nothing (and one with it is idempotent).
import type { Kysely } from 'kysely';
import type { Schema } from './schema.js';
import type { SecretBox } from './secrets.js';

/** Seals again what a previous key sealed; returns how many secrets were rewritten. */
export async function resealSecrets(db: Kysely<Schema>, box: SecretBox): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const registries = await trx
      .selectFrom('registries')
      .select(['id', 'password_enc as sealed'])
      .where('password_enc', 'is not', null)
      .execute();
    const keys = await trx
      .selectFrom('credentials')
      .select(['id', 'secret_key_enc as sealed'])
      .where('secret_key_enc', 'is not', null)
      .execute();
    const stale = (rows: { id: string; sealed: string | null }[]) =>
      rows
        .filter((r) => box.sealedWithPrevious(r.sealed!))
        .map((r) => ({ id: r.id, sealed: box.encrypt(box.decrypt(r.sealed!)) }));
    const [registryRows, keyRows] = [stale(registries), stale(keys)];
    for (const r of registryRows)
      await trx.updateTable('registries').set({ password_enc: r.sealed }).where('id', '=', r.id).execute();
    for (const k of keyRows)
      await trx.updateTable('credentials').set({ secret_key_enc: k.sealed }).where('id', '=', k.id).execute();
    return registryRows.length + keyRows.length;
  });
}

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
    let count = 0;
    const registries = await trx
      .selectFrom('registries')
      .select(['id', 'password_enc'])
      .where('password_enc', 'is not', null)
      .execute();
    for (const r of registries) {
      if (!box.sealedWithPrevious(r.password_enc!)) continue;
      const sealed = box.encrypt(box.decrypt(r.password_enc!));
      await trx.updateTable('registries').set({ password_enc: sealed }).where('id', '=', r.id).execute();
      count++;
    }
    const keys = await trx
      .selectFrom('credentials')
      .select(['id', 'secret_key_enc'])
      .where('secret_key_enc', 'is not', null)
      .execute();
    for (const k of keys) {
      if (!box.sealedWithPrevious(k.secret_key_enc!)) continue;
      const sealed = box.encrypt(box.decrypt(k.secret_key_enc!));
      await trx.updateTable('credentials').set({ secret_key_enc: sealed }).where('id', '=', k.id).execute();
      count++;
    }
    return count;
  });
}

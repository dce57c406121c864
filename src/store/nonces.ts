// Nonces of signed requests (Alibaba SignatureNonce / x-acs-signature-nonce), kept until the signature's timestamp
// window has passed: a nonce seen twice within it is a replay. In the database rather than in memory, so every API
// process behind one PostgreSQL refuses a request another already served.
import { type Kysely, sql } from 'kysely';
import type { Schema } from './schema.js';

/** Expired rows are swept on one claim in this many. */
const SWEEP_EVERY = 200;

export class NonceStore {
  private claims = 0;

  constructor(private readonly db: Kysely<Schema>) {}

  /** Records `nonce` of `accessKey` for `ttlMs`; false when it was already recorded and has not expired. */
  async claim(accessKey: string, nonce: string, ttlMs: number): Promise<boolean> {
    if (++this.claims % SWEEP_EVERY === 0) await this.sweep();
    const expiresAt = new Date(Date.now() + ttlMs);
    const row = await this.db
      .insertInto('request_nonces')
      .values({ access_key: accessKey, nonce, expires_at: expiresAt })
      // A row left by an expired request may be taken over: its timestamp could no longer pass the window.
      .onConflict((oc) =>
        oc
          .columns(['access_key', 'nonce'])
          .doUpdateSet({ expires_at: expiresAt })
          .where('request_nonces.expires_at', '<', sql<Date>`now()`),
      )
      .returning('nonce')
      .executeTakeFirst();
    return row !== undefined;
  }

  async sweep(): Promise<number> {
    const r = await this.db.deleteFrom('request_nonces').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

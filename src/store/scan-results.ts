// Scan results, one per digest, and their summary on every image row naming that digest. Results are not
// project-scoped: they describe bytes, which are the same whoever holds them; which rows a caller may see is
// still decided by the images table's scope (scan-tasks.ts, images-query.ts).
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { Schema } from './schema.js';

export type ScanResultRow = Selectable<Schema['scan_results']>;
export type ScanResultInput = Omit<Insertable<Schema['scan_results']>, 'scanned_at'>;

export class ScanResultStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async get(digest: string): Promise<ScanResultRow | undefined> {
    return this.db.selectFrom('scan_results').selectAll().where('digest', '=', digest).executeTakeFirst();
  }

  /** Stores a result (replacing the digest's previous one) and writes its summary onto every row with the digest. */
  async save(result: ScanResultInput): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('scan_results')
        .values(result)
        .onConflict((oc) => oc.column('digest').doUpdateSet({ ...result, scanned_at: sql`now()` }))
        .execute();
      await trx
        .updateTable('images')
        .set({
          scan_status: result.status,
          scan_failed_code: result.failed_code ?? null,
          latest_scan_time: Date.now(),
          vul_num: result.vul_num ?? 0,
          malicious_file_num: result.malicious_file_num ?? 0,
          unsafe_setting_num: result.unsafe_setting_num ?? 0,
          severity_level: result.severity_level ?? null,
        })
        .where('image_digest', '=', result.digest)
        .execute();
    });
  }

  /** Writes a result already stored onto rows that were added since (a new tag of a scanned digest). */
  async applyStored(digest: string): Promise<boolean> {
    const r = await this.get(digest);
    if (!r) return false;
    await this.db
      .updateTable('images')
      .set({
        scan_status: r.status,
        scan_failed_code: r.failed_code,
        latest_scan_time: r.scanned_at.getTime(),
        vul_num: r.vul_num,
        malicious_file_num: r.malicious_file_num,
        unsafe_setting_num: r.unsafe_setting_num,
        severity_level: r.severity_level,
      })
      .where('image_digest', '=', digest)
      .execute();
    return true;
  }

  /** Sets the scan status of every row with one of `digests` (waiting_for_scan, scanning). */
  async markImages(digests: string[], status: 'waiting_for_scan' | 'scanning'): Promise<void> {
    if (digests.length === 0) return;
    await this.db.updateTable('images').set({ scan_status: status }).where('image_digest', 'in', digests).execute();
  }
}

// Scan results, one per digest, and their summary on every image row naming that digest. Results are not
// project-scoped: they describe bytes, which are the same whoever holds them; which rows a caller may see is
// still decided by the images table's scope (scan-tasks.ts, images-query.ts). Findings are typed (findings.ts):
// vulnerabilities are rows, paged and filtered here; the other lists are parsed with their schema on read.
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import {
  findingOf,
  findingRow,
  type StoredCheckFinding,
  type StoredMaliciousFile,
  type StoredPackage,
  type StoredVulnerability,
  storedLists,
} from './findings.js';
import type { Schema } from './schema.js';

type ListColumn = keyof typeof storedLists;

/** A stored result with its lists parsed (vulnerabilities are read apart: `vulnerabilities`). */
export type ScanResultRow = Omit<Selectable<Schema['scan_results']>, ListColumn> & {
  malicious_files: StoredMaliciousFile[];
  unsafe_settings: StoredCheckFinding[];
  sensitive_files: StoredCheckFinding[];
  packages: StoredPackage[];
};

export type ScanResultInput = Omit<Insertable<Schema['scan_results']>, 'scanned_at' | ListColumn> & {
  malicious_files?: StoredMaliciousFile[];
  unsafe_settings?: StoredCheckFinding[];
  sensitive_files?: StoredCheckFinding[];
  packages?: StoredPackage[];
  vulnerabilities?: StoredVulnerability[];
};

/** Which of one digest's vulnerabilities to list (HSS ListImageVulnerabilities' filters). */
export interface VulnerabilityFilter {
  severities?: readonly StoredVulnerability['severity'][];
  /** A part of the finding's id. */
  idContains?: string;
  packageName?: string;
}

/** Rows per INSERT: 16 columns each, well under PostgreSQL's 65 535 parameters. */
const FINDINGS_PER_INSERT = 1000;

export class ScanResultStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async get(digest: string): Promise<ScanResultRow | undefined> {
    const row = await this.db.selectFrom('scan_results').selectAll().where('digest', '=', digest).executeTakeFirst();
    if (!row) return undefined;
    return {
      ...row,
      malicious_files: storedLists.malicious_files.parse(row.malicious_files),
      unsafe_settings: storedLists.unsafe_settings.parse(row.unsafe_settings),
      sensitive_files: storedLists.sensitive_files.parse(row.sensitive_files),
      packages: storedLists.packages.parse(row.packages),
    };
  }

  /** One page of a digest's vulnerabilities in the report's order (most severe first), and how many match. */
  async vulnerabilities(
    digest: string,
    filter: VulnerabilityFilter = {},
    page: { offset: number; limit: number } = { offset: 0, limit: 2 ** 31 - 1 },
  ): Promise<{ total: number; items: StoredVulnerability[] }> {
    let q = this.db.selectFrom('vulnerability_findings').where('digest', '=', digest);
    if (filter.severities) {
      q = filter.severities.length ? q.where('severity', 'in', filter.severities) : q.where(sql<boolean>`false`);
    }
    if (filter.idContains) q = q.where(sql<boolean>`strpos(vul_id, ${filter.idContains}) > 0`);
    if (filter.packageName) q = q.where('package_name', '=', filter.packageName);
    const [{ n }, rows] = await Promise.all([
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      q.selectAll().orderBy('ordinal').offset(page.offset).limit(page.limit).execute(),
    ]);
    return { total: Number(n), items: rows.map(findingOf) };
  }

  /**
   * Stores a result and writes its summary onto every row with the digest. A summary means a completed scan: a
   * failed scan of a digest with a completed result keeps that result (marked stale) and only records the
   * failure; a failed scan of any other digest is stored with its partial lists but no summary on the rows.
   */
  async save(input: ScanResultInput): Promise<void> {
    const failed = input.status === 'failed';
    await this.db.transaction().execute(async (trx) => {
      if (failed && (await keptOnFailure(trx, input))) return;
      await replaceResult(trx, failed ? { ...input, severity_level: null } : { ...input, stale: false });
    });
  }

  /** A stored result found current again (same advisory data): its time is now. */
  async touch(digest: string): Promise<void> {
    await this.db.updateTable('scan_results').set({ scanned_at: sql`now()` }).where('digest', '=', digest).execute();
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
        scan_stale: r.stale,
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

/**
 * A failed scan of a digest whose last result completed: the result stays (findings, counts, severity), marked
 * stale with the failure's code; its rows say failed and stale. False when there is no completed result to keep.
 */
async function keptOnFailure(trx: Kysely<Schema>, input: ScanResultInput): Promise<boolean> {
  const kept = await trx
    .updateTable('scan_results')
    .set({ stale: true, failed_code: input.failed_code ?? null, failed_detail: input.failed_detail ?? null })
    .where('digest', '=', input.digest)
    .where('status', '=', 'success')
    .executeTakeFirst();
  if (kept.numUpdatedRows === 0n) return false;
  await trx
    .updateTable('images')
    .set({
      scan_status: 'failed',
      scan_failed_code: input.failed_code ?? null,
      latest_scan_time: Date.now(),
      scan_stale: true,
    })
    .where('image_digest', '=', input.digest)
    .execute();
  return true;
}

/** Replaces the digest's result and findings, and writes its summary (none for a failed scan) onto its rows. */
async function replaceResult(trx: Kysely<Schema>, input: ScanResultInput): Promise<void> {
  const { vulnerabilities = [], ...rest } = input;
  const result = {
    ...rest,
    malicious_files: JSON.stringify(rest.malicious_files ?? []),
    unsafe_settings: JSON.stringify(rest.unsafe_settings ?? []),
    sensitive_files: JSON.stringify(rest.sensitive_files ?? []),
    packages: JSON.stringify(rest.packages ?? []),
  };
  await trx
    .insertInto('scan_results')
    .values(result)
    .onConflict((oc) => oc.column('digest').doUpdateSet({ ...result, scanned_at: sql`now()` }))
    .execute();
  await replaceFindings(trx, input.digest, vulnerabilities);
  const completed = result.status === 'success';
  await trx
    .updateTable('images')
    .set({
      scan_status: result.status,
      scan_failed_code: result.failed_code ?? null,
      latest_scan_time: Date.now(),
      vul_num: completed ? (result.vul_num ?? 0) : 0,
      malicious_file_num: completed ? (result.malicious_file_num ?? 0) : 0,
      unsafe_setting_num: completed ? (result.unsafe_setting_num ?? 0) : 0,
      severity_level: completed ? (result.severity_level ?? null) : null,
      scan_stale: false,
    })
    .where('image_digest', '=', result.digest)
    .execute();
}

/** The digest's findings rows and inverted-index entries, replaced by `vulnerabilities` (inside the save). */
async function replaceFindings(trx: Kysely<Schema>, digest: string, vulnerabilities: StoredVulnerability[]) {
  await trx.deleteFrom('vulnerability_findings').where('digest', '=', digest).execute();
  await trx.deleteFrom('vulnerability_digests').where('digest', '=', digest).execute();
  const rows = vulnerabilities.map((v, i) => findingRow(digest, i, v));
  const ids = [...new Set(rows.flatMap((r) => r.ids))].map((vulnerability) => ({ vulnerability, digest }));
  for (let i = 0; i < rows.length; i += FINDINGS_PER_INSERT) {
    await trx
      .insertInto('vulnerability_findings')
      .values(rows.slice(i, i + FINDINGS_PER_INSERT))
      .execute();
  }
  for (let i = 0; i < ids.length; i += FINDINGS_PER_INSERT) {
    await trx
      .insertInto('vulnerability_digests')
      .values(ids.slice(i, i + FINDINGS_PER_INSERT))
      .execute();
  }
}

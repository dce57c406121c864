// The audit log: one row per state-changing request of any API family (who, with which credential, in which
// project, what, on what, the outcome, the request id, the source address), appended only: the table refuses
// UPDATE, and DELETE outside the retention sweep (migration 010's trigger).
import { type Kysely, sql } from 'kysely';
import type { AuditLogTable, Schema } from './schema.js';

export type AuditEntry = Omit<AuditLogTable, 'id' | 'at'>;

export interface AuditRow extends AuditEntry {
  id: number;
  at: Date;
}

export interface AuditFilter {
  projectId?: string;
  principal?: string;
  family?: string;
  outcome?: AuditEntry['outcome'];
  /** Entries before this id (paging newest first). */
  before?: number;
  since?: Date;
  limit: number;
}

export class AuditStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async append(entry: AuditEntry): Promise<void> {
    await this.db.insertInto('audit_log').values(entry).execute();
  }

  /** Newest first; `before` pages on. */
  async list(filter: AuditFilter): Promise<AuditRow[]> {
    let q = this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(filter.limit);
    if (filter.projectId !== undefined) q = q.where('project_id', '=', filter.projectId);
    if (filter.principal) q = q.where('principal_name', '=', filter.principal);
    if (filter.family) q = q.where('family', '=', filter.family);
    if (filter.outcome) q = q.where('outcome', '=', filter.outcome);
    if (filter.before !== undefined) q = q.where('id', '<', filter.before);
    if (filter.since) q = q.where('at', '>=', filter.since);
    return q.execute();
  }

  /** Deletes entries older than `days`; the only delete the table allows. Returns how many went. */
  async prune(days: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('regatta.audit_prune', 'on', true)`.execute(trx);
      const r = await trx
        .deleteFrom('audit_log')
        .where('at', '<', new Date(Date.now() - days * 86_400_000))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }
}

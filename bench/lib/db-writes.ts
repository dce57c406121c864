// What a rule run writes to the database, from PostgreSQL's own statistics of the database
// (https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-DATABASE-VIEW): transactions
// committed and rows inserted, updated and deleted, by every process on it (server, workers, pg-boss), the bench's
// own polling included (a read and a token check every 200 ms: transactions, not rows). Both engines: PGlite keeps
// the same statistics. A backend reports its counts when a transaction ends, at most once a second, and an idle one
// within 10 s, so the window's end waits for that before reading.
import { type Kysely, sql } from 'kysely';

export interface DbWrites {
  transactions: number;
  inserted: number;
  updated: number;
  deleted: number;
}

/** Seconds PostgreSQL may hold an idle backend's statistics before reporting them (PGSTAT_IDLE_INTERVAL). */
const STATS_SETTLE_MS = 11_000;

async function counters(db: Kysely<unknown>): Promise<DbWrites> {
  const { rows } = await sql<{ xact_commit: string; tup_inserted: string; tup_updated: string; tup_deleted: string }>`
    SELECT xact_commit, tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = current_database()
  `.execute(db);
  const r = rows[0];
  if (!r) throw new Error('pg_stat_database has no row for this database');
  return {
    transactions: Number(r.xact_commit),
    inserted: Number(r.tup_inserted),
    updated: Number(r.tup_updated),
    deleted: Number(r.tup_deleted),
  };
}

/** Starts counting; the returned function waits for the statistics to settle and gives what was written since. */
export async function writesWindow(db: Kysely<unknown>): Promise<() => Promise<DbWrites>> {
  const start = await counters(db);
  return async () => {
    await new Promise((r) => setTimeout(r, STATS_SETTLE_MS));
    const end = await counters(db);
    return {
      transactions: end.transactions - start.transactions,
      inserted: end.inserted - start.inserted,
      updated: end.updated - start.updated,
      deleted: end.deleted - start.deleted,
    };
  };
}

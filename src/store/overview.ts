// The console's dashboard in one read: counts by state over a project's registries, images and sync tasks, the
// newest failures with their causes, and how fresh the inventory is. Every query is scoped (project isolation).
import { type Kysely, sql } from 'kysely';
import type { Schema } from './schema.js';
import { inScope, type Scope } from './scope.js';
import type { SyncTaskRow } from './sync-tasks.js';

export interface ProjectOverview {
  registries: Record<string, number>;
  /** Images by HSS severity_level; `unscanned` for rows no scan has summed up yet. */
  images: Record<string, number>;
  tasks: Record<string, number>;
  failures: SyncTaskRow[];
  /** Epoch ms of the least and most recently crawled registry (null before any crawl). */
  oldest_sync: number | null;
  newest_sync: number | null;
  never_synced: number;
}

const FAILURES_SHOWN = 10;

export async function projectOverview(db: Kysely<Schema>, scope: Scope): Promise<ProjectOverview> {
  const [registries, images, tasks, failures, freshness] = await Promise.all([
    db
      .selectFrom('registries')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .where(inScope(scope, 'registries'))
      .groupBy('status')
      .execute(),
    db
      .selectFrom('images')
      .select([sql<string>`coalesce(severity_level, 'unscanned')`.as('level'), sql<number>`count(*)::int`.as('n')])
      .where(inScope(scope, 'images'))
      .groupBy(sql`coalesce(severity_level, 'unscanned')`)
      .execute(),
    db
      .selectFrom('sync_tasks')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .where(inScope(scope, 'sync_tasks'))
      .groupBy('status')
      .execute(),
    db
      .selectFrom('sync_tasks')
      .selectAll()
      .where(inScope(scope, 'sync_tasks'))
      .where('status', '=', 'ERROR')
      .orderBy('updated_at', 'desc')
      .limit(FAILURES_SHOWN)
      .execute(),
    db
      .selectFrom('registries')
      .select([
        sql<number | null>`min(latest_sync_time)`.as('oldest'),
        sql<number | null>`max(latest_sync_time)`.as('newest'),
        sql<number>`count(*) filter (where latest_sync_time is null)::int`.as('never'),
      ])
      .where(inScope(scope, 'registries'))
      .executeTakeFirstOrThrow(),
  ]);
  const byKey = <K extends string>(rows: ({ n: number } & Record<K, string>)[], key: K) =>
    Object.fromEntries(rows.map((r) => [r[key], Number(r.n)]));
  return {
    registries: byKey(registries, 'status'),
    images: byKey(images, 'level'),
    tasks: byKey(tasks, 'status'),
    failures,
    oldest_sync: freshness.oldest === null ? null : Number(freshness.oldest),
    newest_sync: freshness.newest === null ? null : Number(freshness.newest),
    never_synced: Number(freshness.never),
  };
}

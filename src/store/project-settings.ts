// A project's own policies (migration 007): what it chose over the server's defaults, null where it did not.
// Read by the workers (scan on sync after a crawl) and written by PUT /api/v1/settings, always for one project.
import { type Kysely, sql } from 'kysely';
import type { Schema } from './schema.js';

export interface ProjectSettings {
  /** Scan the digests a crawl finds new; null: the server's default (REGATTA_SCAN_ON_SYNC). */
  scan_on_sync: boolean | null;
}

const NONE: ProjectSettings = { scan_on_sync: null };

export async function readProjectSettings(db: Kysely<Schema>, projectId: string): Promise<ProjectSettings> {
  const row = await db
    .selectFrom('project_settings')
    .select('scan_on_sync')
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return row ?? NONE;
}

export async function writeProjectSettings(
  db: Kysely<Schema>,
  projectId: string,
  settings: ProjectSettings,
  by: string,
): Promise<ProjectSettings> {
  await db
    .insertInto('project_settings')
    .values({ project_id: projectId, scan_on_sync: settings.scan_on_sync, updated_by: by })
    .onConflict((oc) =>
      oc
        .column('project_id')
        .doUpdateSet({ scan_on_sync: settings.scan_on_sync, updated_by: by, updated_at: sql`now()` }),
    )
    .execute();
  return readProjectSettings(db, projectId);
}

// Reads the SWR facade needs that the stores do not offer, each scoped like every store read.
import type { Kysely } from 'kysely';
import type { Schema } from '../../store/schema.js';
import { inScope, type Scope } from '../../store/scope.js';

/** True when the inventory of `registryId` holds a tag under `namespace` (and in `repository`, when given). */
export async function inventoryHas(
  db: Kysely<Schema>,
  scope: Scope,
  registryId: string,
  namespace: string,
  repository?: string,
): Promise<boolean> {
  let q = db
    .selectFrom('images')
    .select('id')
    .where(inScope(scope, 'images'))
    .where('registry_id', '=', registryId)
    .where('namespace', '=', namespace);
  if (repository !== undefined) q = q.where('image_name', '=', repository);
  return (await q.limit(1).executeTakeFirst()) !== undefined;
}

/** Identity ids of the project's identities with these names (SyncJob.syncOperatorId). */
export async function identityIds(
  db: Kysely<Schema>,
  projectId: string,
  names: string[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(names.filter((n) => n !== ''))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom('identities')
    .select(['id', 'name'])
    .where('project_id', '=', projectId)
    .where('name', 'in', wanted)
    .orderBy('created_at')
    .execute();
  const ids = new Map<string, string>();
  for (const r of rows) if (!ids.has(r.name)) ids.set(r.name, r.id);
  return ids;
}

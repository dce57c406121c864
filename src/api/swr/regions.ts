// remoteRegionId of rows that name target registries by id: each distinct registry read once per request.
import type { AppContext } from '../../app/context.js';
import type { Scope } from '../../store/scope.js';

/** A lookup registry id → region_id ('' for a registry without one, or one since deleted). */
export async function regionLookup(
  ctx: AppContext,
  scope: Scope,
  rows: { target_registry_id: string }[],
): Promise<(registryId: string) => string> {
  const regions = new Map<string, string>();
  for (const id of new Set(rows.map((r) => r.target_registry_id))) {
    regions.set(id, (await ctx.registries.get(scope, id))?.region_id ?? '');
  }
  return (id) => regions.get(id) ?? '';
}

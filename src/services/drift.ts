// The drift view of a rule (replication/drift.ts) over the project's inventories: the source and target
// registries' tags as their last crawls saw them, so it costs the registries nothing and answers at once; it is as
// fresh as those crawls (the view says when each ran).
import type { AppContext } from '../app/context.js';
import { RegattaError } from '../errors.js';
import { computeDrift, type DriftItem } from '../replication/drift.js';
import type { Scope } from '../store/scope.js';

export interface RuleDrift {
  rule_id: string;
  items: DriftItem[];
  /** When each side's inventory was last crawled (ms), null before any crawl. */
  source_synced_at: number | null;
  target_synced_at: number | null;
}

export async function ruleDrift(ctx: AppContext, scope: Scope, ruleId: string): Promise<RuleDrift> {
  const rule = await ctx.syncRules.get(scope, ruleId);
  if (!rule) throw new RegattaError('NOT_FOUND', `rule ${ruleId} not found`);
  const [source, target, sourceRegistry, targetRegistry, blocked] = await Promise.all([
    ctx.images.tagsOfRegistry(scope, rule.source_registry_id),
    ctx.images.tagsOfRegistry(scope, rule.target_registry_id),
    ctx.registries.get(scope, rule.source_registry_id),
    ctx.registries.get(scope, rule.target_registry_id),
    ctx.syncTasks.blockedDigests(rule.id),
  ]);
  return {
    rule_id: rule.id,
    items: await computeDrift(rule, source, target, blocked),
    source_synced_at: sourceRegistry?.latest_sync_time ?? null,
    target_synced_at: targetRegistry?.latest_sync_time ?? null,
  };
}

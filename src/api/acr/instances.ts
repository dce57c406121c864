// ACR names registries by instance id (InstanceId, TargetInstanceId) and region id (RegionId, TargetRegionId);
// here they are the `instance_id` and `region_id` a connected registry was given at AddRegistry/UpdateRegistry.
// Repositories are named by RepoId (`crr-…`), derived from registry, namespace and name, so it needs no table.
import { createHash } from 'node:crypto';
import type { AppContext } from '../../app/context.js';
import type { RegistryView } from '../../store/registries.js';
import type { Scope } from '../../store/scope.js';
import { invalidParameter, notExist } from './errors.js';

export interface InstanceLabel {
  instanceId: string;
  regionId: string;
}

/** The caller's registry with this instance id; INSTANCE_NOT_EXIST otherwise. */
export async function instanceRegistry(ctx: AppContext, scope: Scope, instanceId: string): Promise<RegistryView> {
  const registry = await ctx.registries.byLocator(scope, 'instance_id', instanceId);
  if (!registry) throw notExist('INSTANCE_NOT_EXIST', `The instance ${instanceId}`);
  return registry;
}

/** The target instance, checked against the region the caller says it is in. */
export async function targetInstance(
  ctx: AppContext,
  scope: Scope,
  instanceId: string,
  regionId: string,
): Promise<RegistryView> {
  const registry = await instanceRegistry(ctx, scope, instanceId);
  if (registry.region_id && registry.region_id !== regionId) {
    throw invalidParameter('TargetRegionId', `instance ${instanceId} is in region ${registry.region_id}`);
  }
  return registry;
}

/** Instance and region ids of the registries rows name; '' for a registry without them or since deleted. */
export async function instanceLabels(
  ctx: AppContext,
  scope: Scope,
  registryIds: Iterable<string>,
): Promise<(registryId: string) => InstanceLabel> {
  const labels = new Map<string, InstanceLabel>();
  for (const id of new Set(registryIds)) {
    const r = await ctx.registries.get(scope, id);
    labels.set(id, { instanceId: r?.instance_id ?? '', regionId: r?.region_id ?? '' });
  }
  return (id) => labels.get(id) ?? { instanceId: '', regionId: '' };
}

/** `crr-` + 16 base36 characters, the same for the same registry, namespace and name. */
export function repoIdOf(registryId: string, namespace: string, name: string): string {
  const digest = createHash('sha256').update(`${registryId}\n${namespace}\n${name}`).digest();
  let id = '';
  for (const b of digest.subarray(0, 16)) id += (b % 36).toString(36);
  return `crr-${id}`;
}

/** The repository of the instance's inventory that `repoId` names; REPO_NOT_EXIST otherwise. */
export async function repositoryOf(
  ctx: AppContext,
  scope: Scope,
  registry: RegistryView,
  repoId: string,
): Promise<{ namespace: string; name: string }> {
  const PAGE = 1000;
  for (let offset = 0; ; offset += PAGE) {
    const { rows } = await ctx.images.repositories(scope, registry.id, { offset, limit: PAGE });
    const hit = rows.find((r) => repoIdOf(registry.id, r.namespace, r.name) === repoId);
    if (hit) return hit;
    if (rows.length < PAGE) break;
  }
  throw notExist('REPO_NOT_EXIST', `The repository ${repoId} (in the inventory of instance ${registry.instance_id})`);
}

// Where SWR names point. This server is one SWR region: its organizations are the first path components of the
// repositories of the caller's registry whose region_id is that region (the "local registry"), its repositories the
// rest of each path, as the inventory splits them (images.namespace / images.image_name). A remoteRegionId names the
// caller's registry with that region_id.

import type { AppContext } from '../../app/context.js';
import { RegistryError } from '../../oci/errors.js';
import type { RegistryView } from '../../store/registries.js';
import type { Scope } from '../../store/scope.js';
import { invalidParameter, namespaceNotFound, repositoryNotFound, SwrError } from './errors.js';

export interface LocalRepository {
  registry: RegistryView;
  namespace: string;
  repository: string;
}

/** The caller's registry of this server's region; 404 naming REGATTA_SWR_REGION when there is none. */
export async function localRegistry(ctx: AppContext, scope: Scope, region: string | undefined): Promise<RegistryView> {
  if (!region) {
    throw namespaceNotFound(
      'This server has no SWR region: set REGATTA_SWR_REGION to the region_id of the registry that holds its organizations',
    );
  }
  const registry = await ctx.registries.byLocator(scope, 'region_id', region);
  if (!registry) {
    throw namespaceNotFound(
      `No registry has region_id ${JSON.stringify(region)} (REGATTA_SWR_REGION): add one with that region_id to serve its organizations`,
    );
  }
  return registry;
}

/** The caller's registry with region_id `remoteRegionId`; 400 when there is none. */
export async function remoteRegistry(ctx: AppContext, scope: Scope, remoteRegionId: string): Promise<RegistryView> {
  const registry = await ctx.registries.byLocator(scope, 'region_id', remoteRegionId);
  if (!registry) {
    throw invalidParameter(
      `remoteRegionId ${JSON.stringify(remoteRegionId)}: no registry has this region_id (set region_id on a registry with AddRegistry or UpdateRegistry)`,
    );
  }
  return registry;
}

/**
 * 404 unless the repository exists: in the inventory, or (pushed since the last crawl) answering a tag list on the
 * registry itself. A registry that cannot be asked is a 500, not a 404.
 */
export async function ensureRepository(ctx: AppContext, scope: Scope, repo: LocalRepository): Promise<void> {
  const { registry, namespace, repository } = repo;
  if (await ctx.images.holds(scope, registry.id, namespace, repository)) return;
  if ((await liveTags(ctx, repo)) !== undefined) return;
  if (!(await ctx.images.holds(scope, registry.id, namespace))) {
    throw namespaceNotFound(`The organization ${JSON.stringify(namespace)} does not exist in ${where(registry)}`);
  }
  throw repositoryNotFound(
    `The repository ${JSON.stringify(repository)} does not exist in organization ${JSON.stringify(namespace)} of ${where(registry)}`,
  );
}

/** The repository's tags as the registry lists them now; undefined when it says the repository does not exist. */
export async function liveTags(ctx: AppContext, repo: LocalRepository): Promise<string[] | undefined> {
  // The process's shared connector: kept-alive connections and token, as the sync tasks use them.
  const found = await ctx.connectors.acquire(repo.registry.id);
  if (!found) return undefined;
  try {
    const path = `${repo.namespace}/${repo.repository}`;
    return await found.connector.listTags({ repository: path, namespace: repo.namespace, name: repo.repository });
  } catch (err) {
    if (err instanceof RegistryError && err.isNotFound) return undefined;
    throw new SwrError(
      500,
      'SVCSTG.SWR.5000003',
      `Internal server error: failed to list the tags of ${repo.namespace}/${repo.repository} on ${where(repo.registry)}: ${(err as Error).message}`,
    );
  } finally {
    found.release();
  }
}

function where(registry: RegistryView): string {
  return `registry ${JSON.stringify(registry.registry_name)} (region ${registry.region_id})`;
}

// ACR repositories, read from the inventory: ListRepository and GetRepository, the neighbours a client calls to
// learn the RepoId that CreateRepoSyncTask and CreateRepoSyncTaskByRule take. Fields: cr 2018-12-01 models.

import type { InventoryRepository } from '../../store/images.js';
import type { RegistryView } from '../../store/registries.js';
import type { Action, ActionFields } from './action.js';
import { notExist } from './errors.js';
import { instanceRegistry, repoIdOf, repositoryOf } from './instances.js';
import { paging } from './params.js';
import { pageProperties, str } from './views.js';

export function repositoryView(registry: RegistryView, r: InventoryRepository) {
  return {
    RepoId: repoIdOf(registry.id, r.namespace, r.name),
    InstanceId: registry.instance_id ?? '',
    RepoNamespaceName: r.namespace,
    RepoName: r.name,
    RepoStatus: 'NORMAL',
    RepoType: 'PRIVATE',
    RepoBuildType: 'MANUAL',
    TagCount: r.tags,
    CreateTime: r.updated,
    ModifiedTime: r.updated,
  };
}

/** repositoryView's fields: GetRepository's answer, an item of ListRepository's. */
const repositoryProperties = {
  RepoId: { type: 'string', description: 'crr- and 16 characters, derived from registry, namespace and name' },
  InstanceId: str,
  RepoNamespaceName: str,
  RepoName: str,
  RepoStatus: { type: 'string', enum: ['NORMAL'] },
  RepoType: { type: 'string', enum: ['PRIVATE'] },
  RepoBuildType: { type: 'string', enum: ['MANUAL'] },
  TagCount: { type: 'integer' },
  CreateTime: {
    type: 'integer',
    description: 'Epoch milliseconds: the newest tag update (Regatta keeps no creation time)',
  },
  ModifiedTime: { type: 'integer', description: 'Epoch milliseconds: the newest tag update' },
} as const;

const listRepository: Action = async ({ ctx, scope, p }) => {
  const registry = await instanceRegistry(ctx, scope, p.required('InstanceId'));
  const page = paging(p);
  const { total, rows } = await ctx.images.repositories(scope, registry.id, {
    namespace: p.optional('RepoNamespaceName'),
    name: p.optional('RepoName'),
    offset: page.offset,
    limit: page.pageSize,
  });
  return {
    PageNo: page.pageNo,
    PageSize: page.pageSize,
    TotalCount: String(total),
    Repositories: rows.map((r) => repositoryView(registry, r)),
  };
};

const getRepository: Action = async ({ ctx, scope, p }) => {
  const registry = await instanceRegistry(ctx, scope, p.required('InstanceId'));
  const repoId = p.optional('RepoId');
  let found: InventoryRepository | undefined;
  if (repoId) {
    const named = await repositoryOf(ctx, scope, registry, repoId);
    found = (await ctx.images.repositories(scope, registry.id, { namespace: named.namespace, name: named.name }))
      .rows[0];
  } else {
    const namespace = p.required('RepoNamespaceName');
    const name = p.required('RepoName');
    found = (await ctx.images.repositories(scope, registry.id, { namespace, name })).rows[0];
  }
  if (!found) throw notExist('REPO_NOT_EXIST', 'The repository');
  return repositoryView(registry, found);
};

export const repositoryActions: Record<string, Action> = {
  ListRepository: listRepository,
  GetRepository: getRepository,
};

/** What each action answers with, inside the envelope. */
export const repositoryResponses: Record<string, ActionFields> = {
  ListRepository: {
    ...pageProperties,
    TotalCount: { type: 'string', description: 'Repositories matching, on every page: a string, as in the SDK models' },
    Repositories: { type: 'array', items: { type: 'object', properties: repositoryProperties } },
  },
  GetRepository: repositoryProperties,
};

// Shared parameters of the SWR sync APIs: the repository path, the caller's scope, and the request bodies.
import type { FastifyRequest } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import type { AppContext } from '../../app/context.js';
import { ALL_ENTERPRISE_PROJECTS, type Scope } from '../../store/scope.js';
import { type LocalRepository, localRegistry } from './local.js';
import { checkNamespace, repositoryFromUrl } from './names.js';

/** Names are checked in code (names.ts) so that a refusal says which naming rule was broken. */
export const repoParams = {
  type: 'object',
  required: ['namespace', 'repository'],
  properties: {
    namespace: {
      type: 'string',
      description:
        'Organization: 1-64 characters, lowercase letters, digits, ".", "_" and "-", a letter first, a letter or digit last',
    },
    repository: {
      type: 'string',
      description: 'Repository: 1-128 characters, lowercase letters, digits, ".", "/", "_" and "-"; "/" is sent as "$"',
    },
  },
} as const;

export type RepoParams = FromSchema<typeof repoParams>;

const remote = {
  remoteRegionId: { type: 'string', minLength: 1, maxLength: 128, description: 'region_id of the target registry' },
  remoteNamespace: { type: 'string', minLength: 1, maxLength: 64, description: 'Target organization' },
} as const;

export const createSyncRepoBody = {
  type: 'object',
  required: ['remoteRegionId', 'remoteNamespace'],
  properties: {
    ...remote,
    syncAuto: { type: 'boolean', default: false, description: 'true: every push syncs (PASSIVE); false: manual' },
    override: { type: 'boolean', default: false, description: 'Overwrite a target tag that holds another image' },
  },
} as const;

export const deleteSyncRepoBody = {
  type: 'object',
  required: ['remoteRegionId', 'remoteNamespace'],
  properties: remote,
} as const;

export const syncImagesBody = {
  type: 'object',
  required: ['remoteRegionId', 'remoteNamespace', 'imageTag'],
  properties: {
    ...remote,
    imageTag: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[\\w][\\w.-]{0,127}$' },
    },
    override: { type: 'boolean', default: false },
  },
} as const;

export type CreateSyncRepoBody = FromSchema<typeof createSyncRepoBody>;
export type RemoteBody = FromSchema<typeof deleteSyncRepoBody>;
export type SyncImagesBody = FromSchema<typeof syncImagesBody>;

/** Every SWR call acts for the caller's project, over all its enterprise projects; new rows land in '0'. */
export function scopeOf(request: { identity?: FastifyRequest['identity'] }): Scope {
  return { projectId: request.identity!.projectId, enterpriseProjectId: ALL_ENTERPRISE_PROJECTS };
}

/** The local repository a path names: names checked, the local registry found (existence is not checked here). */
export async function localRepository(
  ctx: AppContext,
  scope: Scope,
  region: string | undefined,
  params: RepoParams,
): Promise<LocalRepository> {
  checkNamespace(params.namespace);
  const repository = repositoryFromUrl(params.repository);
  return { registry: await localRegistry(ctx, scope, region), namespace: params.namespace, repository };
}

// SWR automatic sync tasks (sync_repo): ListImageAutoSyncReposDetails (seed 001), CreateImageSyncRepo,
// DeleteImageSyncRepo. A SWR sync_repo is a sync rule whose source is one repository of the local registry; the
// list shows every rule that selects the repository, whichever API made it (an ACR namespace-wide rule too).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { fullPath, relativePath } from '../../replication/rule-match.js';
import type { Scope } from '../../store/scope.js';
import type { SyncRuleRow } from '../../store/sync-rules.js';
import { typed } from '../typed.js';
import { alreadyExists, swrErrorResponses, syncRepoNotFound } from './errors.js';
import { ensureRepository, type LocalRepository, remoteRegistry } from './local.js';
import { checkNamespace } from './names.js';
import {
  createSyncRepoBody,
  deleteSyncRepoBody,
  localRepository,
  type RepoParams,
  repoParams,
  scopeOf,
} from './params.js';
import { regionLookup } from './regions.js';
import { emptyObject, syncRepoList, syncRepoView } from './views.js';

const PATH = '/namespaces/:namespace/repos/:repository/sync_repo';
/** Records a sync_repo list answers unless asked for more (seed 001: "By default, 100 records will be returned"). */
const SYNC_REPO_PAGE = 100;
const tags = ['swr'];

/** Rules whose source is this repository: named by it, or covering it from its whole namespace. */
async function rulesOf(ctx: AppContext, scope: Scope, repo: LocalRepository): Promise<SyncRuleRow[]> {
  const { rows } = await ctx.syncRules.list(scope, {
    sourceRegistryId: repo.registry.id,
    sourceNamespace: repo.namespace,
    sourceRepository: repo.repository,
  });
  return rows.filter((r) => relativePath(r, fullPath(repo.namespace, repo.repository)) !== null);
}

/** The rules of this repository (named by it, not namespace-wide) into `target` / `namespace`. */
async function sameTarget(ctx: AppContext, scope: Scope, repo: LocalRepository, targetId: string, namespace: string) {
  const rules = await rulesOf(ctx, scope, repo);
  return rules.filter(
    (r) =>
      r.source_repository === repo.repository && r.target_registry_id === targetId && r.target_namespace === namespace,
  );
}

export function registerSyncRepoRoutes(app: FastifyInstance, ctx: AppContext, region: string | undefined): void {
  const repoOf = (request: { identity?: FastifyRequest['identity']; params: RepoParams }) =>
    localRepository(ctx, scopeOf(request), region, request.params);

  typed(app).get(
    PATH,
    {
      config: { access: 'read' },
      schema: {
        tags,
        summary: 'ListImageAutoSyncReposDetails',
        description:
          'Seed 001: 100 records by default. Regatta: `offset` and `limit` (up to 1000) page further; the ' +
          'Content-Range header says which records came and how many there are (`0-99/250`).',
        params: repoParams,
        querystring: {
          type: 'object',
          properties: {
            offset: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: SYNC_REPO_PAGE },
          },
        },
        response: { 200: syncRepoList, ...swrErrorResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const repo = await repoOf(request);
      await ensureRepository(ctx, scope, repo);
      const rules = await rulesOf(ctx, scope, repo);
      const { offset, limit } = request.query;
      // Oldest first: the order they were made in.
      const page = rules.reverse().slice(offset, offset + limit);
      const regionOf = await regionLookup(ctx, scope, page);
      const view = { regionOf, callerName: request.identity!.name, operatorId: () => '' };
      const last = offset + page.length - 1;
      void reply.header('content-range', page.length ? `${offset}-${last}/${rules.length}` : `*/${rules.length}`);
      return page.map((r) => syncRepoView(r, view, repo.repository));
    },
  );

  typed(app).post(
    PATH,
    {
      config: { access: 'write' },
      schema: {
        tags,
        summary: 'CreateImageSyncRepo',
        params: repoParams,
        body: createSyncRepoBody,
        response: { 200: emptyObject, ...swrErrorResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const repo = await repoOf(request);
      const { remoteRegionId, remoteNamespace, syncAuto, override } = request.body;
      checkNamespace(remoteNamespace, 'remoteNamespace');
      await ensureRepository(ctx, scope, repo);
      const target = await remoteRegistry(ctx, scope, remoteRegionId);
      if ((await sameTarget(ctx, scope, repo, target.id, remoteNamespace)).length > 0) {
        throw alreadyExists(
          `An automatic sync of ${repo.namespace}/${repo.repository} to region ${remoteRegionId}, organization ${remoteNamespace} already exists`,
        );
      }
      await ctx.syncRules.create(scope, {
        name: `swr: ${repo.namespace}/${repo.repository} → ${remoteRegionId}/${remoteNamespace}`,
        source_registry_id: repo.registry.id,
        source_namespace: repo.namespace,
        source_repository: repo.repository,
        repository_filter: null,
        tag_filter: '.*',
        tag_semver: null,
        target_registry_id: target.id,
        target_namespace: remoteNamespace,
        target_repository: null,
        tag_rename: null,
        sync_trigger: syncAuto ? 'PASSIVE' : 'INITIATIVE',
        override,
        created_by: request.identity!.name,
      });
      // SWR answers 200 with an empty object (API reference, "Creating an Automatic Image Synchronization Task").
      return {};
    },
  );

  typed(app).delete(
    PATH,
    {
      config: { access: 'write' },
      schema: {
        tags,
        summary: 'DeleteImageSyncRepo',
        params: repoParams,
        body: deleteSyncRepoBody,
        response: { 200: emptyObject, ...swrErrorResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      // No existence check: the rule of a repository deleted since must still be deletable.
      const repo = await repoOf(request);
      const { remoteRegionId, remoteNamespace } = request.body;
      const target = await ctx.registries.byLocator(scope, 'region_id', remoteRegionId);
      const rules = target ? await sameTarget(ctx, scope, repo, target.id, remoteNamespace) : [];
      if (rules.length === 0) {
        throw syncRepoNotFound(
          `No automatic sync of ${repo.namespace}/${repo.repository} to region ${remoteRegionId}, organization ${remoteNamespace}` +
            ' (a rule covering the whole organization is deleted through the API that made it)',
        );
      }
      for (const rule of rules) await ctx.syncRules.delete(scope, rule.id);
      return {};
    },
  );
}

// SWR manual sync and sync jobs: CreateManualImageSyncRepo (sync_images) starts one batch with a task per tag;
// ShowSyncJob (sync_job) lists the tasks whose source is the repository, whichever API or rule started them.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { startBatch } from '../../services/replication.js';
import type { Scope } from '../../store/scope.js';
import type { SyncTaskInput } from '../../store/sync-tasks.js';
import { typed } from '../typed.js';
import { swrErrorResponses } from './errors.js';
import { parseSyncJobFilter } from './filter.js';
import { ensureRepository, type LocalRepository, liveTags, remoteRegistry } from './local.js';
import { checkNamespace } from './names.js';
import { localRepository, repoParams, scopeOf, syncImagesBody } from './params.js';
import { regionLookup } from './regions.js';
import { failedTags, syncJobList, syncJobView } from './views.js';

const tags = ['swr'];

export function registerSyncJobRoutes(app: FastifyInstance, ctx: AppContext, region: string | undefined): void {
  typed(app).post(
    '/namespaces/:namespace/repos/:repository/sync_images',
    {
      config: { access: 'write' },
      schema: {
        tags,
        summary: 'CreateManualImageSyncRepo',
        params: repoParams,
        body: syncImagesBody,
        response: { 200: failedTags, ...swrErrorResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const repo = await localRepository(ctx, scope, region, request.params);
      const { remoteRegionId, remoteNamespace, imageTag, override } = request.body;
      checkNamespace(remoteNamespace, 'remoteNamespace');
      const target = await remoteRegistry(ctx, scope, remoteRegionId);
      const present = await tagsPresent(ctx, scope, repo);
      const missing = present ? imageTag.filter((t) => !present.has(t)) : [];
      const tasks: SyncTaskInput[] = imageTag
        .filter((t) => !missing.includes(t))
        .map((tag) => ({
          rule_id: null,
          source_registry_id: repo.registry.id,
          source_namespace: repo.namespace,
          source_repository: repo.repository,
          source_tag: tag,
          target_registry_id: target.id,
          target_namespace: remoteNamespace,
          target_repository: repo.repository,
          target_tag: tag,
          override,
          platforms: null,
        }));
      if (tasks.length > 0) {
        await startBatch(
          ctx,
          scope,
          { trigger: 'INITIATIVE', origin: 'swr', createdBy: request.identity!.name },
          tasks,
        );
      }
      // SWR answers 200 with the tags that could not be synced: here those the repository does not have. The
      // copies themselves run in the background; ShowSyncJob shows how each ends.
      return missing;
    },
  );

  typed(app).get(
    '/namespaces/:namespace/repos/:repository/sync_job',
    {
      config: { access: 'read' },
      schema: {
        tags,
        summary: 'ShowSyncJob',
        params: repoParams,
        querystring: {
          type: 'object',
          required: ['filter'],
          properties: {
            filter: {
              type: 'string',
              maxLength: 100,
              description: 'limit::{limit}|offset::{offset}|order::{asc|desc}; limit and offset required',
            },
          },
        },
        response: { 200: syncJobList, ...swrErrorResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const filter = parseSyncJobFilter(request.query.filter);
      const repo = await localRepository(ctx, scope, region, request.params);
      await ensureRepository(ctx, scope, repo);
      const { total, rows } = await ctx.syncTasks.list(scope, {
        sourceRegistryId: repo.registry.id,
        sourceNamespace: repo.namespace,
        sourceRepository: repo.repository,
        ...filter,
      });
      const regionOf = await regionLookup(ctx, scope, rows);
      const operators = await ctx.identities.idsByName(
        scope.projectId,
        rows.map((r) => r.created_by),
      );
      const view = { regionOf, callerName: request.identity!.name, operatorId: (n: string) => operators.get(n) ?? '' };
      // "Offset-Count/Total", as the API reference describes the header.
      void reply.header('Content-Range', `${filter.offset}-${rows.length}/${total}`);
      return rows.map((t) => syncJobView(t, view));
    },
  );
}

/**
 * The tags the repository has: listed live, so that tags pushed since the last crawl count; undefined when the
 * registry cannot be asked (every tag is then tried, and a missing one ends as a failed job). 404 when the
 * repository does not exist.
 */
async function tagsPresent(ctx: AppContext, scope: Scope, repo: LocalRepository): Promise<Set<string> | undefined> {
  let tags: string[] | undefined;
  try {
    tags = await liveTags(ctx, repo);
  } catch {
    await ensureRepository(ctx, scope, repo);
    return undefined;
  }
  if (tags === undefined) await ensureRepository(ctx, scope, repo);
  return new Set(tags ?? []);
}

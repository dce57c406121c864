// Inventory sync of one registry: every repository and tag into the images table. Incremental: a tag whose
// digest is unchanged costs one HEAD; tags and repositories that disappeared are deleted; each repository's
// newest tag is flagged latest_version. Tags are read a few at a time per registry.
import pLimit, { type LimitFunction } from 'p-limit';
import type { Connector, RepositoryRef } from '../connectors/connector.js';
import { RegattaError } from '../oci/errors.js';
import type { ImageStore, RepositoryKey } from '../store/images.js';
import type { RegistryView } from '../store/registries.js';
import { describeTag } from './describe.js';

export interface SyncContext {
  registry: RegistryView;
  connector: Connector;
  images: ImageStore;
  /** Tags read at once from this registry. */
  concurrency?: number;
  /** Told of each tag that is new or points at another digest than at the last crawl (the polling trigger). */
  onChanged?: (repo: RepositoryRef, tag: string, digest: string) => void;
  signal?: AbortSignal;
}

export interface SyncOutcome {
  images: number;
  repositories: number;
  changed: number;
  unchanged: number;
  /** Tags skipped because their manifest cannot be read as an image (schema1, unknown formats). */
  skipped: number;
}

export async function syncRegistry(ctx: SyncContext): Promise<SyncOutcome> {
  const syncStart = Date.now();
  const outcome: SyncOutcome = { images: 0, repositories: 0, changed: 0, unchanged: 0, skipped: 0 };
  const limit = pLimit(ctx.concurrency ?? 8);
  for await (const repo of ctx.connector.listRepositories({ signal: ctx.signal })) {
    outcome.repositories++;
    await syncRepository(ctx, repo, syncStart, limit, outcome);
  }
  outcome.images = await ctx.images.finishRegistry(ctx.registry.id, syncStart);
  return outcome;
}

async function syncRepository(
  ctx: SyncContext,
  repo: RepositoryRef,
  syncStart: number,
  limit: LimitFunction,
  outcome: SyncOutcome,
) {
  const key: RepositoryKey = { registryId: ctx.registry.id, namespace: repo.namespace, imageName: repo.name };
  const tags = await ctx.connector.listTags(repo, ctx.signal);
  const known = await ctx.images.digests(key);
  const unchanged: number[] = [];
  const present: string[] = [];
  await Promise.all(
    tags.map((tag) =>
      limit(async () => {
        const head = await ctx.connector.client.manifestHead(repo.repository, tag, ctx.signal);
        if (!head) return; // deleted between the tag list and now
        present.push(tag);
        const row = known.get(tag);
        if (row?.digest === head.digest) {
          unchanged.push(row.id);
          outcome.unchanged++;
          return;
        }
        ctx.onChanged?.(repo, tag, head.digest);
        if (await writeTag(ctx, key, repo, tag, head.digest, syncStart)) outcome.changed++;
        else outcome.skipped++;
      }),
    ),
  );
  await ctx.images.touch(unchanged, syncStart);
  await ctx.images.finishRepository(key, present);
}

/** Describes and stores one tag; false when its manifest is of a format we do not inventory. */
async function writeTag(
  ctx: SyncContext,
  key: RepositoryKey,
  repo: RepositoryRef,
  tag: string,
  digest: string,
  syncTime: number,
): Promise<boolean> {
  let d: Awaited<ReturnType<typeof describeTag>>;
  try {
    d = await describeTag(ctx.connector.client, repo.repository, digest, ctx.signal);
  } catch (err) {
    if (err instanceof RegattaError && (err.code === 'UNSUPPORTED_FORMAT' || err.code === 'INVALID_RESPONSE'))
      return false;
    throw err;
  }
  const { platforms, created, ...fields } = d;
  await ctx.images.upsert(
    {
      ...fields,
      project_id: ctx.registry.project_id,
      enterprise_project_id: ctx.registry.enterprise_project_id,
      registry_id: key.registryId,
      namespace: key.namespace,
      image_name: key.imageName,
      image_version: tag,
      latest_update_time: created ?? syncTime,
      latest_sync_time: syncTime,
    },
    platforms,
  );
  return true;
}

// Inventory and access-check work: what an API call enqueues and what a worker does with it.

import type { AppContext } from '../app/context.js';
import { type InventorySyncJob, Queues, type RegistryCheckJob } from '../app/queue.js';
import type { Connector } from '../connectors/connector.js';
import { connectorFor } from '../inventory/connect.js';
import { checkAccess } from '../inventory/health.js';
import { type SyncOutcome, syncRegistry } from '../inventory/sync.js';
import { RegattaError } from '../oci/errors.js';
import { DEFAULT_LIMITS } from '../scanning/image-reader.js';
import { readProjectSettings } from '../store/project-settings.js';
import type { RegistryView } from '../store/registries.js';
import type { Scope } from '../store/scope.js';
import { onPush } from './replication.js';
import { scanNewDigests } from './scanning.js';

/** Records an inventory task over `registryIds` and enqueues one crawl per registry. */
export async function requestInventorySync(
  ctx: AppContext,
  scope: Scope,
  registryIds: string[],
  taskType = 'manualSync',
) {
  const task = await ctx.inventoryTasks.create(scope, registryIds, taskType);
  for (const registryId of registryIds) {
    await ctx.jobs.send(Queues.inventorySync, { taskId: task.id, registryId } satisfies InventorySyncJob);
  }
  return task;
}

/** Enqueues an access check of a registry that was just added or changed. */
export async function requestRegistryCheck(ctx: AppContext, registryId: string): Promise<void> {
  await ctx.jobs.send(Queues.registryCheck, { registryId } satisfies RegistryCheckJob);
}

export async function runRegistryCheck(ctx: AppContext, job: RegistryCheckJob): Promise<void> {
  const target = await connectorFor(ctx.registries, job.registryId);
  if (!target) return; // deleted meanwhile
  try {
    await ctx.registries.setStatus(job.registryId, await checkAccess(target.connector));
  } finally {
    await target.connector.close();
  }
}

/** Crawls one registry of a task; a failure is recorded with its code, so the task never stays running. */
/** What follows a crawl: scans of the digests it found new (the server's default; a project may choose otherwise). */
export interface CrawlOptions {
  scanOnSync?: boolean;
}

export async function runInventorySync(ctx: AppContext, job: InventorySyncJob, opts: CrawlOptions = {}): Promise<void> {
  const target = await connectorFor(ctx.registries, job.registryId);
  if (!target)
    return ctx.inventoryTasks.finishRegistry(job.taskId, job.registryId, {
      status: 'failed',
      reason: 'REGISTRY_DELETED',
    });
  try {
    const access = await checkAccess(target.connector);
    await ctx.registries.setStatus(job.registryId, access);
    if (access.status === 'fail') {
      return await ctx.inventoryTasks.finishRegistry(job.taskId, job.registryId, {
        status: 'failed',
        reason: access.fail_reason,
      });
    }
    const outcome = await crawl(ctx, target, opts);
    const reason = outcome.failedCount ? unreadableTags(outcome) : undefined;
    await ctx.inventoryTasks.finishRegistry(
      job.taskId,
      job.registryId,
      { status: 'finished', ...(reason ? { reason } : {}) },
      outcome.images,
    );
  } catch (err) {
    // Not-retryable failures end here; retryable ones go back to the queue, and its dead letter ends them.
    if (err instanceof RegattaError && !(err as { retryable?: boolean }).retryable) {
      return await ctx.inventoryTasks.finishRegistry(job.taskId, job.registryId, {
        status: 'failed',
        reason: err.code,
      });
    }
    throw err;
  } finally {
    await target.connector.close();
  }
}

/**
 * Crawls a registry into the inventory, then fires PASSIVE rules for the tags that changed since the last crawl
 * (the polling trigger, for registries that send no push events). A first crawl fires nothing: every tag is new
 * to it, not newly pushed.
 */
export async function crawl(
  ctx: AppContext,
  target: { registry: RegistryView; connector: Connector },
  opts: CrawlOptions = {},
) {
  const changed: Array<{ namespace: string; repository: string; tag: string; digest: string }> = [];
  const outcome = await syncRegistry({
    registry: target.registry,
    connector: target.connector,
    images: ctx.images,
    onChanged: (repo, tag, digest) => changed.push({ namespace: repo.namespace, repository: repo.name, tag, digest }),
    scanLimits: DEFAULT_LIMITS,
  });
  await ctx.registries.setInventory(target.registry.id, outcome.images, Date.now());
  if (target.registry.latest_sync_time !== null) {
    for (const image of changed) await onPush(ctx, target.registry.id, image, 'poll');
  }
  // The project's own choice, else the server's (REGATTA_SCAN_ON_SYNC).
  const { scan_on_sync } = await readProjectSettings(ctx.db, target.registry.project_id);
  if (scan_on_sync ?? opts.scanOnSync) {
    const scope = { projectId: target.registry.project_id, enterpriseProjectId: target.registry.enterprise_project_id };
    await scanNewDigests(ctx, target.registry.id, scope);
  }
  return outcome;
}

/** The polling trigger: re-crawls the source registries of PASSIVE rules, then plans its next run. */
export async function runPushPoll(ctx: AppContext, intervalSeconds: number, opts: CrawlOptions = {}): Promise<void> {
  try {
    for (const registryId of await ctx.syncRules.passiveSources()) {
      const target = await connectorFor(ctx.registries, registryId);
      if (!target) continue;
      try {
        await crawl(ctx, target, opts);
      } catch {
        // An unreachable source is the health check's business; the next poll tries again.
      } finally {
        await target.connector.close();
      }
    }
  } finally {
    await schedulePushPoll(ctx, intervalSeconds);
  }
}

export async function schedulePushPoll(ctx: AppContext, intervalSeconds: number): Promise<void> {
  await ctx.boss.send(Queues.pushPoll, {}, { startAfter: intervalSeconds, singletonKey: 'poll' });
}

/** The dead letter of a crawl retried to exhaustion (or whose worker died each time). */
export async function runInventorySyncFailed(ctx: AppContext, job: InventorySyncJob): Promise<void> {
  await ctx.inventoryTasks.finishRegistry(job.taskId, job.registryId, { status: 'failed', reason: 'SYNC_ABORTED' });
}

/** A finished crawl's note of what it could not read: `TAGS_UNREADABLE: 3 (team/app:v1 MANIFEST_UNKNOWN, …)`. */
function unreadableTags(outcome: SyncOutcome): string {
  const listed = outcome.failed.slice(0, 10).map((f) => `${f.repository}:${f.tag} ${f.code}`);
  const more = outcome.failedCount > listed.length ? ', …' : '';
  return `TAGS_UNREADABLE: ${outcome.failedCount} (${listed.join(', ')}${more})`.slice(0, 1000);
}

// Starts the workers of one process: each queue's handler, and the schedules (health every 10 minutes, an
// inventory sync of everything daily). `regatta serve` runs these beside the API; `regatta worker` alone.

import type PgBoss from 'pg-boss';
import type { AppContext } from '../app/context.js';
import {
  type InventorySyncJob,
  Queues,
  type RegistryCheckJob,
  type RuleSelectJob,
  type ScanJob,
  type SyncTaskJob,
} from '../app/queue.js';
import { type CloudEvent, deliverEvent } from '../app/webhooks.js';
import { SCHEDULES, type VulndbUpdateOptions, type WorkerOptions } from '../app/worker-options.js';
import { LayerCache } from '../scanning/layer-cache.js';
import {
  requestInventorySync,
  requestRegistryCheck,
  runInventorySync,
  runInventorySyncFailed,
  runPushPoll,
  runRegistryCheck,
  schedulePushPoll,
} from '../services/inventory.js';
import { runScanJob, runScanJobFailed, scheduledScans } from '../services/scanning.js';
import { hasNoAdvisories, requestVulndbUpdate, runVulndbUpdate } from '../services/vulndb.js';
import { DEFAULT_ENTERPRISE_PROJECT } from '../store/scope.js';
import { maintainImages } from '../store/stats.js';
import { FairShare, requeueLater } from './fair-share.js';
import { runRuleSelectFailed, runRuleSelectJob, runSyncTaskFailed, runSyncTaskJob } from './replication-jobs.js';

/**
 * pg-boss's `work()`, except that a worker whose batch had jobs fetches again at once instead of sleeping out the
 * rest of its polling interval: a queue of many short jobs (small image copies, cached scans) is worked as fast
 * as they run, not at one job per interval per worker. An idle worker still polls at the interval, and is woken
 * when jobs are queued (app/job-signals.ts).
 */
function eagerWorker(ctx: AppContext) {
  return async <T>(queue: string, options: PgBoss.WorkOptions, handler: PgBoss.WorkHandler<T>): Promise<string> => {
    let id: string | undefined;
    id = await ctx.boss.work<T>(queue, options, async (jobs) => {
      await handler(jobs);
      if (jobs.length > 0 && id) ctx.boss.notifyWorker(id);
    });
    ctx.jobs.register(queue, id);
    return id;
  };
}

/** MiB of read layers a worker process keeps by default (REGATTA_SCAN_LAYER_CACHE_MB). */
const DEFAULT_LAYER_CACHE_MIB = 256;

export async function startWorkers(ctx: AppContext, opts: WorkerOptions = {}): Promise<void> {
  // Other processes' queued jobs wake this one's workers too (PostgreSQL; embedded: one process, nothing to hear).
  await ctx.jobs.listen();
  const polling = { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 1 };
  const work = eagerWorker(ctx);
  const each =
    <T>(run: (ctx: AppContext, data: T) => Promise<void>) =>
    async (jobs: PgBoss.Job<T>[]) => {
      for (const job of jobs) {
        await run(ctx, job.data);
        opts.onJobDone?.(job.name, job.data, process.pid);
      }
    };
  const crawlOpts = { scanOnSync: opts.scanOnSync ?? true };
  await work<RegistryCheckJob>(Queues.registryCheck, polling, each(runRegistryCheck));
  // One layer cache for the process's scans: images sharing base layers read them once.
  const cacheMiB = opts.scanLayerCacheMiB ?? DEFAULT_LAYER_CACHE_MIB;
  const layerCache = cacheMiB > 0 ? new LayerCache(cacheMiB * 2 ** 20) : undefined;
  const scanOpts = { vulndb: opts.vulndb, adapter: opts.scannerAdapter, ...(layerCache ? { layerCache } : {}) };
  for (let i = 0; i < (opts.scanConcurrency ?? 1); i++) {
    await work<ScanJob>(
      Queues.imageScan,
      polling,
      each((c, job) => runScanJob(c, job, scanOpts)),
    );
  }
  await work<ScanJob>(Queues.imageScanFailed, polling, each(runScanJobFailed));
  const webhook = ctx.webhook;
  if (webhook)
    await work<CloudEvent>(
      Queues.webhook,
      polling,
      each((_c, event) => deliverEvent(webhook, event)),
    );
  const crawlSlots = opts.inventoryConcurrency ?? 2;
  const fair = new FairShare(crawlSlots);
  for (let i = 0; i < crawlSlots; i++) {
    await work<InventorySyncJob>(
      Queues.inventorySync,
      polling,
      each(async (c, job) => {
        const project = (await c.registries.projectOf(job.registryId)) ?? '';
        const ran = await fair.run(project, () => runInventorySync(c, job, crawlOpts));
        if (!ran) await requeueLater(c, Queues.inventorySync, job);
      }),
    );
  }
  await work<InventorySyncJob>(Queues.inventorySyncFailed, polling, each(runInventorySyncFailed));
  for (let i = 0; i < (opts.syncConcurrency ?? 4); i++) {
    const perRegistry = opts.registryConcurrency ?? 8;
    await work<SyncTaskJob>(
      Queues.syncTask,
      polling,
      each((c, job) => runSyncTaskJob(c, job, perRegistry)),
    );
  }
  await work<SyncTaskJob>(Queues.syncTaskFailed, polling, each(runSyncTaskFailed));
  await work<RuleSelectJob>(Queues.ruleSelect, polling, each(runRuleSelectJob));
  await work<RuleSelectJob>(Queues.ruleSelectFailed, polling, each(runRuleSelectFailed));
  // A rule run recorded but whose job was lost (a crash between the two): selected again (at most once).
  for (const batch of await ctx.syncTasks.allSelecting()) {
    await ctx.jobs.send(Queues.ruleSelect, { batchId: batch.id } satisfies RuleSelectJob);
  }
  const pollInterval = opts.pollIntervalSeconds ?? 60;
  await work(Queues.pushPoll, polling, async () => runPushPoll(ctx, pollInterval, crawlOpts));
  await schedulePushPoll(ctx, pollInterval);
  await work(Queues.healthSchedule, polling, async () => {
    for (const id of await ctx.registries.allIds()) await requestRegistryCheck(ctx, id);
  });
  await work(Queues.inventorySchedule, polling, async () => {
    for (const [projectId, ids] of await ctx.registries.idsByProject()) {
      await requestInventorySync(ctx, { projectId, enterpriseProjectId: DEFAULT_ENTERPRISE_PROJECT }, ids, 'cycle');
    }
  });
  // PGlite has no autovacuum: without this, the planner's statistics for ListRegistryImages (total_num estimates
  // above the count cap, the choice of index) would stay those of the first ANALYZE, and updated rows pile up.
  await work(Queues.maintenanceSchedule, polling, async () => {
    await maintainImages(ctx.db);
  });
  await ctx.boss.schedule(Queues.healthSchedule, SCHEDULES.health);
  await ctx.boss.schedule(Queues.maintenanceSchedule, '17 * * * *');
  await ctx.boss.schedule(Queues.inventorySchedule, SCHEDULES.inventory);
  // After the daily crawl: every digest is asked for; one scanned against the current database is not scanned
  // again (its stored result is reused), so only a changed database costs pulls.
  await work(Queues.scanSchedule, polling, async () => scheduledScans(ctx));
  await ctx.boss.schedule(Queues.scanSchedule, SCHEDULES.scan);
  await startVulndbUpdates(ctx, opts.vulndbUpdate, polling);
}

async function startVulndbUpdates(
  ctx: AppContext,
  update: VulndbUpdateOptions | undefined,
  polling: { pollingIntervalSeconds: number },
): Promise<void> {
  if (!update) return;
  await ctx.boss.work(Queues.vulndbUpdate, polling, async () => {
    await runVulndbUpdate(ctx, update);
  });
  if (!update.schedule) {
    // Updates only when asked (REGATTA_VULNDB_UPDATE=off): no schedule, no download at the first start.
    await ctx.boss.unschedule(Queues.vulndbUpdate);
    return;
  }
  await ctx.boss.schedule(Queues.vulndbUpdate, update.schedule);
  // A first start: no scan can find a vulnerability until the feeds are there.
  if (await hasNoAdvisories(update.dir)) await requestVulndbUpdate(ctx);
}

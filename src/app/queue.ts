// The job queue: pg-boss on the same PostgreSQL (or embedded PGlite) as everything else, so an API call can
// record a task and enqueue its work, and any number of worker processes share it.
import PgBoss from 'pg-boss';

/** Queue names, one per kind of work. */
export const Queues = {
  /** Check one registry's access: { registryId }. */
  registryCheck: 'registry-check',
  /** Crawl one registry for an inventory task: { taskId, registryId }. */
  inventorySync: 'inventory-sync',
  /** Dead letters of inventory-sync: the task's registry is marked failed. */
  inventorySyncFailed: 'inventory-sync-failed',
  /** Cron: re-check every registry. */
  healthSchedule: 'registry-health-schedule',
  /** Cron: an inventory sync of every registry of every project. */
  inventorySchedule: 'inventory-schedule',
  /** Select the images of a rule run's batch and record them as tasks: { batchId }. */
  ruleSelect: 'rule-select',
  /** Dead letters of rule-select: the batch's selection ends FAILED. */
  ruleSelectFailed: 'rule-select-failed',
  /** Run one sync task: { taskId }. */
  syncTask: 'sync-task',
  /** Dead letters of sync-task: the task ends ERROR. */
  syncTaskFailed: 'sync-task-failed',
  /** The polling trigger: re-crawl the source registries of PASSIVE rules (self-rescheduling). */
  pushPoll: 'push-poll',
  /** Scan one digest: { digest, registryId, repository }. */
  imageScan: 'image-scan',
  /** Dead letters of image-scan: the digest's tasks say failed. */
  imageScanFailed: 'image-scan-failed',
  /** Outgoing webhook deliveries (CloudEvents), retried by the queue. */
  webhook: 'webhook',
  /** Cron: a scan of every digest of every project (only those whose result predates the database re-scan). */
  scanSchedule: 'scan-schedule',
  /** Bring the advisory feeds up to date (cron, first start without data, or asked through the API). */
  vulndbUpdate: 'vulndb-update',
  /** Cron: VACUUM and ANALYZE the big tables (PGlite has no autovacuum). */
  maintenanceSchedule: 'store-maintenance-schedule',
} as const;

export interface RegistryCheckJob {
  registryId: string;
}
export interface InventorySyncJob {
  taskId: string;
  registryId: string;
}

export interface RuleSelectJob {
  batchId: string;
}

export interface SyncTaskJob {
  taskId: string;
  /** Its queue priority (services/replication.ts enqueueTasks), kept when the task is queued again. */
  priority?: number;
}

export interface ScanJob {
  digest: string;
  registryId: string;
  /** The repository path in that registry. */
  repository: string;
}

export async function startQueue(connectionString: string, opts: { schedule?: boolean } = {}): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString, max: 4, schedule: opts.schedule ?? true, supervise: true });
  boss.on('error', (err) => process.stderr.write(`regatta: job queue: ${err.message}\n`));
  await boss.start();
  await boss.createQueue(Queues.registryCheck, {
    name: Queues.registryCheck,
    retryLimit: 2,
    retryDelay: 5,
    expireInSeconds: 120,
  });
  // A worker that dies mid-crawl leaves its job active; after expireIn it is retried by another (the crawl is
  // idempotent), and after the last retry it goes to the dead-letter queue, which marks the registry failed.
  await retriedQueue(boss, Queues.inventorySync, Queues.inventorySyncFailed, {
    retryLimit: 2,
    retryDelay: 10,
    expireInSeconds: 3600,
  });
  // Selecting is listing only (nothing written until the tasks are recorded in one transaction): retried freely.
  await retriedQueue(boss, Queues.ruleSelect, Queues.ruleSelectFailed, {
    retryLimit: 2,
    retryDelay: 5,
    expireInSeconds: 1800,
  });
  // A copy resumes where the target stands (blobs it has are skipped), so a retry after a worker died is cheap.
  // expireIn bounds how long a task can look SYNCHRONIZING after its worker vanished (PostgreSQL mode; the
  // embedded mode fails them at start-up, see recovery.ts).
  await retriedQueue(boss, Queues.syncTask, Queues.syncTaskFailed, {
    retryLimit: 3,
    retryDelay: 2,
    expireInSeconds: 1800,
  });
  // A scan is re-done from the start after a crash; two tries, then the dead letter marks it failed.
  await retriedQueue(boss, Queues.imageScan, Queues.imageScanFailed, {
    retryLimit: 1,
    retryDelay: 5,
    expireInSeconds: 3600,
  });
  await boss.createQueue(Queues.pushPoll, { name: Queues.pushPoll, policy: 'stately' });
  await boss.createQueue(Queues.healthSchedule, { name: Queues.healthSchedule, policy: 'singleton' });
  await boss.createQueue(Queues.inventorySchedule, { name: Queues.inventorySchedule, policy: 'singleton' });
  await boss.createQueue(Queues.maintenanceSchedule, { name: Queues.maintenanceSchedule, policy: 'singleton' });
  await boss.createQueue(Queues.scanSchedule, { name: Queues.scanSchedule, policy: 'singleton' });
  await boss.createQueue(Queues.webhook, { name: Queues.webhook });
  // One update at a time, one more waiting at most; a download of every ecosystem can take a while.
  await boss.createQueue(Queues.vulndbUpdate, {
    name: Queues.vulndbUpdate,
    policy: 'stately',
    retryLimit: 1,
    retryDelay: 300,
    expireInSeconds: 4 * 3600,
  });
  return boss;
}

/** A queue whose jobs are retried, and the dead-letter queue that takes them after the last try. */
async function retriedQueue(
  boss: PgBoss,
  name: string,
  deadLetter: string,
  retry: { retryLimit: number; retryDelay: number; expireInSeconds: number },
): Promise<void> {
  await boss.createQueue(deadLetter, { name: deadLetter });
  await boss.createQueue(name, { name, ...retry, deadLetter });
}

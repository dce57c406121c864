// Replication work: what the facades call to start syncs (by rule, by image list, on a push) and what a worker
// does with a task. Every entry point records a batch of PENDING tasks first, then enqueues one job per task,
// so a crash between the two leaves visible PENDING tasks rather than lost work.
import { RegattaError } from '../errors.js';
import { connectorFor } from '../inventory/connect.js';
import { expandRule, type PlannedCopy } from '../replication/expand.js';
import { fullPath, type ImagePath, repositoryMatches, tagMatches, targetOf } from '../replication/rule-match.js';
import { runSyncTask } from '../replication/run-task.js';
import type { Scope } from '../store/scope.js';
import type { SyncRuleRow } from '../store/sync-rules.js';
import type { BatchInput, SyncBatchRow, SyncTaskInput, SyncTaskRow } from '../store/sync-tasks.js';
import type { AppContext } from './context.js';
import { Queues, type SyncTaskJob } from './queue.js';
import { emitEvent } from './webhooks.js';

export interface StartedBatch {
  batch: SyncBatchRow;
  tasks: SyncTaskRow[];
}

/** The scope a rule's tasks belong to. */
export function scopeOfRule(rule: SyncRuleRow): Scope {
  return { projectId: rule.project_id, enterpriseProjectId: rule.enterprise_project_id };
}

/**
 * Starts a batch for `rule`: every image it selects now, or only `tags` (through the rule's tag filter unless
 * `filter` is false). Throws REGISTRY_DELETED if the source registry is gone.
 */
export async function syncByRule(
  ctx: AppContext,
  rule: SyncRuleRow,
  batch: BatchInput,
  opts: { tags?: string[]; filter?: boolean; override?: boolean } = {},
): Promise<StartedBatch> {
  const source = await connectorFor(ctx.registries, rule.source_registry_id);
  if (!source) throw new RegattaError('REGISTRY_DELETED', 'the source registry of the rule was removed');
  let planned: PlannedCopy[];
  try {
    planned = await expandRule(source.connector, rule, { tags: opts.tags, filter: opts.filter });
  } finally {
    await source.connector.close();
  }
  const tasks = planned.map((p) => taskOf(rule, p, opts.override ?? rule.override));
  return startBatch(ctx, scopeOfRule(rule), batch, tasks);
}

/** Records a batch of tasks and enqueues them. */
export async function startBatch(
  ctx: AppContext,
  scope: Scope,
  batch: BatchInput,
  tasks: SyncTaskInput[],
): Promise<StartedBatch> {
  const started = await ctx.syncTasks.createBatch(scope, batch, tasks);
  await enqueueTasks(ctx, started.tasks);
  return started;
}

export async function enqueueTasks(ctx: AppContext, tasks: SyncTaskRow[]): Promise<void> {
  if (tasks.length === 0) return;
  await ctx.boss.insert(tasks.map((t) => ({ name: Queues.syncTask, data: { taskId: t.id } satisfies SyncTaskJob })));
}

/**
 * A push of `tag` at `digest` into `repository` of a registry (an event, or a change the polling crawl saw):
 * one batch per PASSIVE rule that selects it, unless that rule already has a task for this very digest.
 */
export async function onPush(
  ctx: AppContext,
  registryId: string,
  image: { namespace: string; repository: string; tag: string; digest: string },
  origin: string,
): Promise<StartedBatch[]> {
  const started: StartedBatch[] = [];
  const source = { ...image, registryId };
  for (const rule of await ctx.syncRules.passiveFor(registryId, image.namespace, image.repository)) {
    if (!repositoryMatches(rule, image.namespace, image.repository) || !tagMatches(rule, image.tag)) continue;
    if (await ctx.syncTasks.alreadyPlanned(rule.id, source, image.digest)) continue;
    const task = { ...taskForRule(rule, image), source_digest: image.digest };
    started.push(await startBatch(ctx, scopeOfRule(rule), { trigger: 'PASSIVE', origin }, [task]));
  }
  return started;
}

/** The task copying one source image under `rule`, to where the rule puts it. */
export function taskForRule(rule: SyncRuleRow, source: ImagePath): SyncTaskInput {
  return taskOf(rule, { source, target: targetOf(rule, source) });
}

function taskOf(rule: SyncRuleRow, p: PlannedCopy, override = rule.override): SyncTaskInput {
  return {
    rule_id: rule.id,
    source_registry_id: rule.source_registry_id,
    source_namespace: p.source.namespace,
    source_repository: p.source.repository,
    source_tag: p.source.tag,
    target_registry_id: rule.target_registry_id,
    target_namespace: p.target.namespace,
    target_repository: p.target.repository,
    target_tag: p.target.tag,
    override,
    platforms: rule.platforms,
  };
}

export async function runSyncTaskJob(ctx: AppContext, job: SyncTaskJob, perRegistry?: number): Promise<void> {
  const outcome = await runSyncTask(
    {
      tasks: ctx.syncTasks,
      connect: async (registryId, onRetry) => (await connectorFor(ctx.registries, registryId, { onRetry }))?.connector,
      perRegistry,
    },
    job.taskId,
  );
  // A registry at its limit: the task waits its turn as a new job, and this worker takes other work meanwhile.
  if (outcome === 'BUSY') {
    await ctx.boss.send(Queues.syncTask, job, { startAfter: 1 + Math.floor(Math.random() * 3) });
  } else if (outcome) await taskFinished(ctx, job.taskId);
}

/** The event of a task that ended (SUCCESS, ERROR with its TaskIssue, CANCELED). */
export async function taskFinished(ctx: AppContext, taskId: string): Promise<void> {
  if (!ctx.webhook) return;
  const t = await ctx.db.selectFrom('sync_tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (!t) return;
  await emitEvent(ctx, 'io.regatta.sync.task.finished', t.task_id, {
    task_id: t.task_id,
    batch_id: t.batch_id,
    project_id: t.project_id,
    status: t.status,
    issue: t.issue,
    issue_detail: t.issue_detail,
    source: {
      registry_id: t.source_registry_id,
      repository: fullPath(t.source_namespace, t.source_repository),
      tag: t.source_tag,
      digest: t.source_digest,
    },
    target: {
      registry_id: t.target_registry_id,
      repository: fullPath(t.target_namespace, t.target_repository),
      tag: t.target_tag,
    },
    synced_size: Number(t.synced_size),
  });
}

/** The dead letter of a task whose worker died on every try: it ends ERROR rather than SYNCHRONIZING forever. */
export async function runSyncTaskFailed(ctx: AppContext, job: SyncTaskJob): Promise<void> {
  await ctx.syncTasks.finish(job.taskId, {
    status: 'ERROR',
    issue: 'INTERNAL_ERROR',
    detail: 'the task was interrupted on every attempt',
  });
}

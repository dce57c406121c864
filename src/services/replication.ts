// Replication use-cases, the one place every front-end starts, cancels and retries syncs through (the native API,
// SWR, ACR, push events, the polling trigger, the CLI's server commands). Each records intent first and enqueues
// work second, so a crash between the two leaves visible PENDING tasks (or a SELECTING batch that start-up queues
// again) rather than lost work, and an API call answers without waiting on a registry (DESIGN.md, "Jobs").
import type { AppContext } from '../app/context.js';
import { Queues, type RuleSelectJob, type SyncTaskJob } from '../app/queue.js';
import { emitEvent } from '../app/webhooks.js';
import { RegattaError } from '../errors.js';
import { connectorFor } from '../inventory/connect.js';
import { referrerTagSubject } from '../oci/referrers.js';
import { fullPath, type ImagePath, relativePath, tagMatches, targetOf } from '../replication/rule-match.js';
import { connectorSource, type PlannedCopy, selectImages } from '../replication/select.js';
import { taskIssueOf } from '../replication/task-issue.js';
import type { SelectionRequest } from '../store/schema.js';
import type { Scope } from '../store/scope.js';
import type { SyncRuleRow } from '../store/sync-rules.js';
import type { BatchInput, SyncBatchRow, SyncTaskInput, SyncTaskRow } from '../store/sync-tasks.js';
import { reopenBlocked, SIGNATURE_GATES } from './gates.js';
import { mirrorDeletesAfterBatch } from './mirror-deletes.js';

export interface StartedBatch {
  batch: SyncBatchRow;
  tasks: SyncTaskRow[];
}

/** The scope a rule's tasks belong to. */
export function scopeOfRule(rule: SyncRuleRow): Scope {
  return { projectId: rule.project_id, enterpriseProjectId: rule.enterprise_project_id };
}

/**
 * Runs `rule` now: records a SELECTING batch and queues the selection (every image the rule selects, or only
 * `request.tags`), then returns; the rule-select job lists the source and records the tasks (`selectBatch`).
 * Harbor's replication controller starts its flow the same way, in the background.
 */
export async function runRule(
  ctx: AppContext,
  rule: SyncRuleRow,
  batch: BatchInput,
  request: SelectionRequest = {},
): Promise<SyncBatchRow> {
  const { batch: row } = await ctx.syncTasks.createBatch(
    scopeOfRule(rule),
    { ...batch, ruleId: rule.id, selecting: request },
    [],
  );
  await ctx.jobs.send(Queues.ruleSelect, { batchId: row.id } satisfies RuleSelectJob);
  return row;
}

/**
 * The selection of a SELECTING batch: lists what its rule selects on the source (tag lists several at once),
 * records one PENDING task per image and queues them. A removed rule or source registry ends the selection
 * FAILED; a source that cannot be listed throws, so the queue retries it (its dead letter ends it FAILED).
 */
export async function selectBatch(ctx: AppContext, batchId: string): Promise<void> {
  const batch = await ctx.syncTasks.selecting(batchId);
  if (!batch) return; // selected already (a job delivered twice), or failed
  const rule = batch.rule_id ? await ctx.syncRules.byId(batch.rule_id) : undefined;
  if (!rule) return ctx.syncTasks.failSelection(batchId, 'RULE_DELETED: the rule was removed before it ran');
  const source = await connectorFor(ctx.registries, rule.source_registry_id);
  if (!source) {
    return ctx.syncTasks.failSelection(batchId, 'REGISTRY_DELETED: the source registry of the rule was removed');
  }
  const request = batch.selection_request ?? {};
  let selection: Awaited<ReturnType<typeof selectImages>>;
  try {
    selection = await selectImages(connectorSource(source.connector), rule, { ...request, referrers: rule.referrers });
  } finally {
    await source.connector.close();
  }
  const tasks = selection.planned.map((p) => taskOf(rule, p, request.override ?? rule.override));
  const recorded = await ctx.syncTasks.recordSelection(batchId, tasks, unlisted(selection.failed));
  if (recorded) await enqueueTasks(ctx, recorded);
  // A run that selected nothing has no task to end it (taskFinished).
  if (recorded?.length === 0) await mirrorDeletesAfterBatch(ctx, batchId, rule.id);
}

/** What the selection could not list, said in the batch: `team/a (NETWORK_ERROR), …`. */
function unlisted(failed: { source: ImagePath; error: unknown }[]): string | null {
  if (failed.length === 0) return null;
  const each = failed.map((f) => `${fullPath(f.source.namespace, f.source.repository)} (${taskIssueOf(f.error)})`);
  return `${failed.length} repositories could not be listed: ${each.join(', ')}`;
}

/** Records a batch of known tasks and enqueues them. */
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

/**
 * Queues the tasks of one batch, interleaved with every other batch: the queue runs higher priorities first, and
 * a batch's tasks step down one priority every FAIR_STEP tasks, so a batch of 5 started during one of 10,000 (of
 * another project, or the same) runs next rather than after the 10,000; big batches share the workers by turns.
 */
export async function enqueueTasks(ctx: AppContext, tasks: SyncTaskRow[]): Promise<void> {
  for (let i = 0; i < tasks.length; i += 1000) {
    const jobs = tasks.slice(i, i + 1000).map((t, j) => {
      const priority = -Math.floor((i + j) / FAIR_STEP);
      return { priority, data: { taskId: t.id, priority } satisfies SyncTaskJob };
    });
    await ctx.jobs.insert(Queues.syncTask, jobs);
  }
}

/** Tasks of one batch per priority step (about what the workers of one process run at once). */
const FAIR_STEP = 8;

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
  const path = fullPath(image.namespace, image.repository);
  // A new signature or attestation: tasks a gate blocked for want of one are decided again.
  const signed = referrerTagSubject(image.tag);
  if (signed) await reopenBlocked(ctx, { digests: [signed.subject], gates: SIGNATURE_GATES });
  for (const rule of await ctx.syncRules.passiveFor(registryId)) {
    const repository = relativePath(rule, path);
    // A pushed signature or SBOM (a referrer-schema tag) follows its image whatever the tag filter, as a tag.
    const referrer = rule.referrers && referrerTagSubject(image.tag) !== undefined;
    if (repository === null || !(referrer || tagMatches(rule, image.tag))) continue;
    const source = { namespace: rule.source_namespace, repository, tag: image.tag };
    if (await ctx.syncTasks.alreadyPlanned(rule.id, { ...source, registryId }, image.digest)) continue;
    const task = { ...taskForRule(rule, source), source_digest: image.digest };
    const batch = { trigger: 'PASSIVE', origin, ruleId: rule.id } as const;
    started.push(await startBatch(ctx, scopeOfRule(rule), batch, [task]));
  }
  return started;
}

/** The task copying one source image under `rule`, to where the rule puts it (a referrer tag keeps its name). */
export function taskForRule(rule: SyncRuleRow, source: ImagePath): SyncTaskInput {
  if (referrerTagSubject(source.tag)) {
    return taskOf(rule, { source, target: { ...targetOf(rule, source), tag: source.tag } });
  }
  return taskOf(rule, { source, target: targetOf(rule, source), ...(rule.referrers ? { referrers: {} } : {}) });
}

function taskOf(rule: SyncRuleRow, p: PlannedCopy, override = rule.override): SyncTaskInput {
  return {
    referrers: p.referrers !== undefined,
    referrer_tags: p.referrers?.tags ?? null,
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

/**
 * Cancels task `id` of `scope` and tells the webhook; false when the task has already ended.
 * @throws RegattaError NOT_FOUND when the scope has no such task
 */
export async function cancelTask(
  ctx: AppContext,
  scope: Scope,
  id: string,
): Promise<{ task: SyncTaskRow; canceled: boolean }> {
  const task = await ctx.syncTasks.get(scope, id);
  if (!task) throw new RegattaError('NOT_FOUND', 'no such sync task');
  if (!(await ctx.syncTasks.cancel(scope, task.id))) return { task, canceled: false };
  await taskFinished(ctx, task);
  return { task, canceled: true };
}

/** Puts the failed tasks of a batch back to PENDING and queues them; returns how many. */
export async function retryBatch(ctx: AppContext, scope: Scope, batchId: string): Promise<number> {
  const retried = await ctx.syncTasks.retryFailed(scope, batchId);
  await enqueueTasks(ctx, retried);
  return retried.length;
}

/** A task that ended, as its end needs it: a worker knows its rule's mirror_deletes from the claim. */
export type EndedTask = Pick<SyncTaskRow, 'id' | 'rule_id' | 'batch_id'> & { rule_mirror_deletes?: boolean };

/**
 * After a task ended (SUCCESS, ERROR with its TaskIssue, CANCELED): the deletion propagation of its rule's run when
 * it was the last task, and the webhook event. Without either, it reads nothing (the common case, per task).
 */
export async function taskFinished(ctx: AppContext, ended: EndedTask): Promise<void> {
  const ruleId = ended.rule_id;
  const mirror = ruleId
    ? (ended.rule_mirror_deletes ?? (await ctx.syncRules.byId(ruleId))?.mirror_deletes ?? false)
    : false;
  // The last task of a rule's run: a rule with mirror_deletes propagates deletions, once per batch.
  if (ruleId && mirror) await mirrorDeletesAfterBatch(ctx, ended.batch_id, ruleId);
  if (!ctx.webhook) return;
  const t = await ctx.syncTasks.byId(ended.id);
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

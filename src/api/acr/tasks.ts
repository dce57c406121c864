// ACR sync tasks: CreateRepoSyncTask (one image, manual), CreateRepoSyncTaskByRule, GetRepoSyncTask,
// CancelRepoSyncTask and ListRepoSyncTask (seed 002). Each create is one batch (SyncBatchTaskId) of one task,
// recorded PENDING and queued; the copy engine runs it and writes status, progress and TaskIssue as it goes.

import { fullPath, relativePath, tagMatches } from '../../replication/rule-match.js';
import { cancelTask, startBatch, taskForRule } from '../../services/replication.js';
import type { SyncTaskRow } from '../../store/sync-tasks.js';
import { type Action, type ActionCall, type ActionFields, checkName, checkTag, refuseCrossUser } from './action.js';
import { AcrError, invalidParameter, notExist } from './errors.js';
import { instanceLabels, instanceRegistry, repositoryOf, targetInstance } from './instances.js';
import { paging } from './params.js';
import { ruleOfInstance } from './rules.js';
import { pageProperties, str, syncTaskSchema, taskDetail, taskDetailProperties, taskView } from './views.js';

const batchOf = (call: ActionCall) =>
  ({ trigger: 'INITIATIVE', origin: 'acr', createdBy: call.identity.name }) as const;

const createRepoSyncTask: Action = async (call) => {
  const { ctx, scope, p } = call;
  refuseCrossUser(call);
  const source = await instanceRegistry(ctx, scope, p.required('InstanceId'));
  const repo = await repositoryOf(ctx, scope, source, p.required('RepoId'));
  const tag = checkTag('Tag', p.required('Tag'));
  const target = await targetInstance(ctx, scope, p.required('TargetInstanceId'), p.required('TargetRegionId'));
  const started = await startBatch(ctx, scope, batchOf(call), [
    {
      rule_id: null,
      source_registry_id: source.id,
      source_namespace: repo.namespace,
      source_repository: repo.name,
      source_tag: tag,
      target_registry_id: target.id,
      target_namespace: checkName('TargetNamespace', p.required('TargetNamespace'), 'namespace'),
      target_repository: checkName('TargetRepoName', p.required('TargetRepoName'), 'repository'),
      target_tag: checkTag('TargetTag', p.required('TargetTag')),
      override: p.bool('Override', false),
      platforms: null,
    },
  ]);
  return { SyncTaskId: started.tasks[0]!.task_id };
};

const createRepoSyncTaskByRule: Action = async (call) => {
  const { ctx, scope, p } = call;
  const source = await instanceRegistry(ctx, scope, p.required('InstanceId'));
  const rule = await ruleOfInstance(call, source.id);
  if (rule.source_registry_id !== source.id) {
    throw invalidParameter('SyncRuleId', 'the rule syncs into this instance, not from it');
  }
  const repo = await repositoryOf(ctx, scope, source, p.required('RepoId'));
  const tag = checkTag('Tag', p.required('Tag'));
  const path = fullPath(repo.namespace, repo.name);
  const repository = relativePath(rule, path);
  if (repository === null) throw invalidParameter('RepoId', `the rule does not cover ${path}`);
  if (!tagMatches(rule, tag)) throw invalidParameter('Tag', `the rule's TagFilter ${rule.tag_filter} excludes it`);
  const task = taskForRule(rule, { namespace: rule.source_namespace, repository, tag });
  const started = await startBatch(ctx, scope, batchOf(call), [task]);
  return { SyncTaskId: started.tasks[0]!.task_id };
};

/** The task `SyncTaskId` of the instance (its source or target); SYNC_TASK_NOT_EXIST otherwise. */
async function taskOfInstance(call: ActionCall): Promise<SyncTaskRow> {
  const instance = await instanceRegistry(call.ctx, call.scope, call.p.required('InstanceId'));
  const id = call.p.required('SyncTaskId');
  const task = await call.ctx.syncTasks.get(call.scope, id);
  if (!task || (task.source_registry_id !== instance.id && task.target_registry_id !== instance.id)) {
    throw notExist('SYNC_TASK_NOT_EXIST', `The sync task ${id}`);
  }
  return task;
}

/** Lookups the views need: instance/region ids of the rows' registries and ACR ids of their rules. */
async function lookups(call: ActionCall, tasks: SyncTaskRow[]) {
  const labels = await instanceLabels(
    call.ctx,
    call.scope,
    tasks.flatMap((t) => [t.source_registry_id, t.target_registry_id]),
  );
  const ruleIds = new Map<string, string>();
  for (const uuid of new Set(tasks.flatMap((t) => (t.rule_id ? [t.rule_id] : [])))) {
    ruleIds.set(uuid, (await call.ctx.syncRules.get(call.scope, uuid))?.rule_id ?? '');
  }
  // A task started by hand has no rule: the field is left out, as the cloud leaves out fields it has no value for.
  return { labels, ruleIdOf: (uuid: string | null) => (uuid ? ruleIds.get(uuid) : undefined) };
}

const getRepoSyncTask: Action = async (call) => {
  const task = await taskOfInstance(call);
  const { labels, ruleIdOf } = await lookups(call, [task]);
  return taskDetail(task, labels, ruleIdOf);
};

const cancelRepoSyncTask: Action = async (call) => {
  const { task, canceled } = await cancelTask(call.ctx, call.scope, (await taskOfInstance(call)).id);
  if (!canceled) {
    throw new AcrError(400, 'SYNC_TASK_STATUS_INVALID', `The sync task ${task.task_id} has ended (${task.status}).`);
  }
  return {};
};

const listRepoSyncTask: Action = async (call) => {
  const { ctx, scope, p } = call;
  const instance = await instanceRegistry(ctx, scope, p.required('InstanceId'));
  const page = paging(p);
  const { total, rows } = await ctx.syncTasks.list(scope, {
    registryIds: [instance.id],
    sourceNamespace: p.optional('RepoNamespaceName'),
    sourceRepository: p.optional('RepoName'),
    sourceTag: p.optional('Tag'),
    batchId: p.optional('SyncRecordId'),
    offset: page.offset,
    limit: page.pageSize,
  });
  const { labels, ruleIdOf } = await lookups(call, rows);
  return {
    PageNo: page.pageNo,
    PageSize: page.pageSize,
    // A string in the API reference and the SDK models (ListRepoSyncTaskResponseBody.TotalCount).
    TotalCount: String(total),
    SyncTasks: rows.map((t) => taskView(t, labels, ruleIdOf)),
  };
};

export const taskActions: Record<string, Action> = {
  CreateRepoSyncTask: createRepoSyncTask,
  CreateRepoSyncTaskByRule: createRepoSyncTaskByRule,
  GetRepoSyncTask: getRepoSyncTask,
  CancelRepoSyncTask: cancelRepoSyncTask,
  ListRepoSyncTask: listRepoSyncTask,
};

/** A create's answer: the one task of its batch. */
const started: ActionFields = { SyncTaskId: str };

/** What each action answers with, inside the envelope. */
export const taskResponses: Record<string, ActionFields> = {
  CreateRepoSyncTask: started,
  CreateRepoSyncTaskByRule: started,
  GetRepoSyncTask: taskDetailProperties,
  CancelRepoSyncTask: {},
  ListRepoSyncTask: {
    ...pageProperties,
    TotalCount: { type: 'string', description: 'Tasks matching, on every page: a string, as the SDK models have it' },
    SyncTasks: { type: 'array', items: syncTaskSchema },
  },
};

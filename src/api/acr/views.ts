// Sync rules and tasks in ACR's wire shape (cr 2018-12-01 ListRepoSyncRule, ListRepoSyncTask, GetRepoSyncTask),
// field for field as the seed and the SDK models name them (`ModifedTime` is ACR's spelling). Times are epoch ms.
import type { SyncRuleRow } from '../../store/sync-rules.js';
import type { SyncTaskRow } from '../../store/sync-tasks.js';
import type { InstanceLabel } from './instances.js';

type Labels = (registryId: string) => InstanceLabel;

/**
 * A rule as ListRepoSyncRule shows it. Local* is always the rule's source and Target* its target; SyncDirection
 * says which side the queried instance is (FROM: it is the source, TO: it is the target).
 */
export function ruleView(r: SyncRuleRow, labels: Labels, instanceRegistryId: string) {
  const local = labels(r.source_registry_id);
  const target = labels(r.target_registry_id);
  return {
    SyncRuleId: r.rule_id,
    SyncRuleName: r.name,
    SyncScope: r.source_repository === null ? 'NAMESPACE' : 'REPO',
    SyncTrigger: r.sync_trigger,
    SyncDirection: r.source_registry_id === instanceRegistryId ? 'FROM' : 'TO',
    TagFilter: r.tag_filter,
    RepoNameFilter: r.repository_filter ?? '',
    LocalInstanceId: local.instanceId,
    LocalRegionId: local.regionId,
    LocalNamespaceName: r.source_namespace,
    LocalRepoName: r.source_repository ?? '',
    TargetInstanceId: target.instanceId,
    TargetRegionId: target.regionId,
    TargetNamespaceName: r.target_namespace,
    TargetRepoName: r.target_repository ?? '',
    CrossUser: false,
    CreateTime: r.created_at.getTime(),
    ModifiedTime: r.updated_at.getTime(),
  };
}

function images(t: SyncTaskRow, labels: Labels) {
  const from = labels(t.source_registry_id);
  const to = labels(t.target_registry_id);
  return {
    ImageFrom: {
      RepoNamespaceName: t.source_namespace,
      InstanceId: from.instanceId,
      ImageTag: t.source_tag,
      RepoName: t.source_repository,
      RegionId: from.regionId,
    },
    ImageTo: {
      RepoNamespaceName: t.target_namespace,
      InstanceId: to.instanceId,
      ImageTag: t.target_tag,
      RepoName: t.target_repository,
      RegionId: to.regionId,
    },
  };
}

/** A task as ListRepoSyncTask lists it (seed 002), plus Regatta's TaskIssueDetail and Retrying. */
export function taskView(t: SyncTaskRow, labels: Labels, ruleIdOf: (uuid: string | null) => string | undefined) {
  return {
    ModifedTime: t.updated_at.getTime(),
    SyncRuleId: ruleIdOf(t.rule_id),
    SyncTaskId: t.task_id,
    TaskStatus: t.status,
    CreateTime: t.created_at.getTime(),
    SyncBatchTaskId: t.batch_id,
    CrossUser: false,
    SyncTransAccelerate: false,
    TaskTrigger: t.sync_trigger,
    ...images(t, labels),
    CustomLink: false,
    TaskIssue: t.issue ?? '',
    TaskIssueDetail: t.issue_detail ?? '',
    Retrying: t.retrying ?? '',
  };
}

/** A task as GetRepoSyncTask answers it: with Progress (percent of bytes), SyncedSize and LayerTasks. */
export function taskDetail(t: SyncTaskRow, labels: Labels, ruleIdOf: (uuid: string | null) => string | undefined) {
  const total = Number(t.total_size);
  const synced = Number(t.synced_size);
  const progress = t.status === 'SUCCESS' ? 100 : total > 0 ? Math.floor((100 * synced) / total) : 0;
  return {
    SyncTaskId: t.task_id,
    SyncRuleId: ruleIdOf(t.rule_id),
    SyncBatchTaskId: t.batch_id,
    TaskStatus: t.status,
    TaskTrigger: t.sync_trigger,
    TaskIssue: t.issue ?? '',
    TaskIssueDetail: t.issue_detail ?? '',
    Retrying: t.retrying ?? '',
    Progress: progress,
    SyncedSize: synced,
    CrossUser: false,
    SyncTransAccelerate: false,
    ...images(t, labels),
    LayerTasks: t.layers.map((l, i) => ({
      SyncLayerTaskId: `${t.task_id}-${i + 1}`,
      Digest: l.digest,
      Size: l.size,
      SyncedSize: l.synced,
      TaskStatus: l.status,
    })),
  };
}

// Response schemas, field for field as the views above build them. The ACR routes send with JSON.stringify
// (index.ts): these describe the answers in the OpenAPI document, they do not shape them.

export const str = { type: 'string' } as const;
export const bool = { type: 'boolean' } as const;
const epochMs = { type: 'integer', description: 'Epoch milliseconds' } as const;
const trigger = { type: 'string', enum: ['PASSIVE', 'INITIATIVE'] } as const;
const taskStatus = { type: 'string', enum: ['PENDING', 'SYNCHRONIZING', 'SUCCESS', 'ERROR', 'CANCELED'] } as const;

/** PageNo and PageSize of a list action, as asked (PageSize default 30). */
export const pageProperties = { PageNo: { type: 'integer' }, PageSize: { type: 'integer' } } as const;

/** ruleView: a rule as ListRepoSyncRule lists it. */
export const syncRuleSchema = {
  type: 'object',
  properties: {
    SyncRuleId: str,
    SyncRuleName: str,
    SyncScope: { type: 'string', enum: ['REPO', 'NAMESPACE'] },
    SyncTrigger: trigger,
    SyncDirection: { type: 'string', enum: ['FROM', 'TO'], description: 'FROM: the queried instance is the source' },
    TagFilter: str,
    RepoNameFilter: str,
    LocalInstanceId: str,
    LocalRegionId: str,
    LocalNamespaceName: str,
    LocalRepoName: str,
    TargetInstanceId: str,
    TargetRegionId: str,
    TargetNamespaceName: str,
    TargetRepoName: str,
    CrossUser: bool,
    CreateTime: epochMs,
    ModifiedTime: epochMs,
  },
} as const;

const imageSchema = {
  type: 'object',
  properties: { RepoNamespaceName: str, InstanceId: str, ImageTag: str, RepoName: str, RegionId: str },
} as const;

/** The fields of a task both views carry. */
const taskCommon = {
  SyncRuleId: { type: 'string', description: "The rule's id; absent for a task started by hand" },
  SyncTaskId: str,
  SyncBatchTaskId: str,
  TaskStatus: taskStatus,
  TaskTrigger: trigger,
  TaskIssue: { type: 'string', description: 'Why the task failed (empty unless it did)' },
  TaskIssueDetail: { type: 'string', description: 'Regatta: the failure in detail' },
  Retrying: { type: 'string', description: 'Regatta: why the copy is being retried (empty when it is not)' },
  CrossUser: bool,
  SyncTransAccelerate: bool,
  ImageFrom: imageSchema,
  ImageTo: imageSchema,
} as const;

/** taskView: a task as ListRepoSyncTask lists it (seed 002). */
export const syncTaskSchema = {
  type: 'object',
  properties: { ...taskCommon, ModifedTime: epochMs, CreateTime: epochMs, CustomLink: bool },
} as const;

/** taskDetail: the fields GetRepoSyncTask answers with. */
export const taskDetailProperties = {
  ...taskCommon,
  Progress: { type: 'integer', description: 'Percent of the bytes copied' },
  SyncedSize: { type: 'integer', description: 'Bytes copied' },
  LayerTasks: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        SyncLayerTaskId: str,
        Digest: str,
        Size: { type: 'integer' },
        SyncedSize: { type: 'integer' },
        TaskStatus: { type: 'string', enum: ['PENDING', 'SYNCHRONIZING', 'SUCCESS', 'EXISTS'] },
      },
    },
  },
} as const;

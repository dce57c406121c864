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
export function taskView(t: SyncTaskRow, labels: Labels, ruleIdOf: (uuid: string | null) => string) {
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
export function taskDetail(t: SyncTaskRow, labels: Labels, ruleIdOf: (uuid: string | null) => string) {
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

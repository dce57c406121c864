// SWR's SyncRepo (seed 001) and SyncJob shapes over sync rules and sync tasks, and their response schemas.
import type { SyncTaskStatus } from '../../store/schema.js';
import type { SyncRuleRow } from '../../store/sync-rules.js';
import type { SyncTaskRow } from '../../store/sync-tasks.js';

/** SyncJob.status values, as SWR documents them. */
export const SWR_JOB_STATUSES = ['waiting', 'running', 'success', 'failed', 'timeout', 'cancel', 'existed'] as const;
export type SwrJobStatus = (typeof SWR_JOB_STATUSES)[number];

/**
 * SyncJob.status. SWR documents waiting, running, success, failed, timeout, cancel and existed (SDK model SyncJob:
 * "同步状态"). Regatta's task states map onto them as:
 *   PENDING → waiting, SYNCHRONIZING → running, SUCCESS → success, CANCELED → cancel,
 *   ERROR with TaskIssue TAG_CONFLICT (the target tag holds another image and override is off) → existed,
 *   any other ERROR → failed.
 * `timeout` is never produced: tasks have no deadline; a copy that keeps failing ends ERROR (failed).
 */
export function swrJobStatus(status: SyncTaskStatus, issue: string | null): SwrJobStatus {
  switch (status) {
    case 'PENDING':
      return 'waiting';
    case 'SYNCHRONIZING':
      return 'running';
    case 'SUCCESS':
      return 'success';
    case 'CANCELED':
      return 'cancel';
    case 'ERROR':
      return issue === 'TAG_CONFLICT' ? 'existed' : 'failed';
  }
}

/** What a view needs besides the row: the region of each target registry, and who is asking. */
export interface ViewContext {
  regionOf: (registryId: string) => string;
  /** The caller's name: the domainName of rows that name nobody (made by a push, not a person). */
  callerName: string;
  operatorId: (name: string) => string;
}

/** `repository`: the one asked about, the repoName of a rule that covers its whole namespace. */
export function syncRepoView(r: SyncRuleRow, v: ViewContext, repository: string) {
  return {
    createdAt: r.created_at.toISOString(),
    domainID: r.project_id,
    domainName: r.created_by || v.callerName,
    id: r.seq,
    namespace: r.source_namespace,
    override: r.override,
    remoteNamespace: r.target_namespace,
    remoteRegionId: v.regionOf(r.target_registry_id),
    repoName: r.source_repository ?? repository,
    syncAuto: r.sync_trigger === 'PASSIVE',
    updatedAt: r.updated_at.toISOString(),
  };
}

export function syncJobView(t: SyncTaskRow, v: ViewContext) {
  return {
    createdAt: t.created_at.toISOString(),
    domainID: t.project_id,
    domainName: t.created_by || v.callerName,
    id: t.seq,
    namespace: t.source_namespace,
    override: t.override,
    remoteNamespace: t.target_namespace,
    remoteRegionId: v.regionOf(t.target_registry_id),
    repoName: t.source_repository,
    status: swrJobStatus(t.status, t.issue),
    syncOperatorId: v.operatorId(t.created_by),
    syncOperatorName: t.created_by,
    tag: t.source_tag,
    updatedAt: t.updated_at.toISOString(),
    ...(t.issue ? { taskIssue: t.issue, taskIssueDetail: t.issue_detail ?? '' } : {}),
  };
}

const str = { type: 'string' } as const;

const syncRepo = {
  type: 'object',
  properties: {
    createdAt: { type: 'string', description: 'UTC, ISO 8601' },
    domainID: str,
    domainName: str,
    id: { type: 'integer' },
    namespace: str,
    override: { type: 'boolean' },
    remoteNamespace: str,
    remoteRegionId: str,
    repoName: str,
    syncAuto: { type: 'boolean' },
    updatedAt: { type: 'string', description: 'UTC, ISO 8601' },
  },
} as const;

const syncJob = {
  type: 'object',
  properties: {
    createdAt: { type: 'string', description: 'UTC, ISO 8601' },
    domainID: str,
    domainName: str,
    id: { type: 'integer' },
    namespace: str,
    override: { type: 'boolean' },
    remoteNamespace: str,
    remoteRegionId: str,
    repoName: str,
    status: { type: 'string', enum: SWR_JOB_STATUSES },
    syncOperatorId: str,
    syncOperatorName: str,
    tag: str,
    updatedAt: { type: 'string', description: 'UTC, ISO 8601' },
    taskIssue: {
      type: 'string',
      description: 'Regatta: why a failed job failed (the ACR TaskIssue codes, e.g. TAG_CONFLICT, POLICY_BLOCKED)',
    },
    taskIssueDetail: { type: 'string', description: 'Regatta: the failure in words (for POLICY_BLOCKED, the gate)' },
  },
} as const;

export const syncRepoList = {
  description: 'The automatic sync tasks of the repository, oldest first',
  type: 'array',
  items: syncRepo,
} as const;
export const syncJobList = {
  description: 'Sync jobs whose source is the repository, one per tag copied',
  type: 'array',
  items: syncJob,
  headers: {
    'Content-Range': {
      type: 'string',
      description: '{offset}-{count}/{total}: the page and the number of jobs in all',
    },
  },
} as const;
/** Tags of CreateManualImageSyncRepo that could not be synced: those the repository does not have. */
export const failedTags = {
  description: 'Tags that could not be synced (the repository does not have them); the others sync in the background',
  type: 'array',
  items: str,
} as const;
/** SWR's answer to a create or a delete: an empty object. */
export const emptyObject = { description: 'An empty object', type: 'object', properties: {} } as const;

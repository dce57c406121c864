// ACR sync rules: CreateRepoSyncRule, ListRepoSyncRule, DeleteRepoSyncRule (cr 2018-12-01; ACR has no update).
// They are Regatta's sync rules, so a rule made here is one SWR sync_repo and the native API list too.
import { RegattaError } from '../../errors.js';
import { validateSelector } from '../../replication/rule-match.js';
import type { SyncRuleRow } from '../../store/sync-rules.js';
import { type Action, type ActionCall, type ActionFields, checkName, refuseCrossUser } from './action.js';
import { invalidParameter, notExist } from './errors.js';
import { instanceLabels, instanceRegistry, targetInstance } from './instances.js';
import { paging } from './params.js';
import { pageProperties, ruleView, str, syncRuleSchema } from './views.js';

const createRepoSyncRule: Action = async (call) => {
  const { ctx, scope, p } = call;
  refuseCrossUser(call);
  const source = await instanceRegistry(ctx, scope, p.required('InstanceId'));
  const target = await targetInstance(ctx, scope, p.required('TargetInstanceId'), p.required('TargetRegionId'));
  const scopeKind = p.oneOf('SyncScope', ['REPO', 'NAMESPACE'] as const);
  const repo = p.optional('RepoName');
  const targetRepo = p.optional('TargetRepoName');
  const repoFilter = p.optional('RepoNameFilter');
  if (scopeKind === 'REPO') {
    if (!repo) throw invalidParameter('RepoName', 'is required when SyncScope is REPO');
    if (repoFilter) throw invalidParameter('RepoNameFilter', 'applies only when SyncScope is NAMESPACE');
  } else if (repo || targetRepo) {
    throw invalidParameter(repo ? 'RepoName' : 'TargetRepoName', 'applies only when SyncScope is REPO');
  }
  const name = p.required('SyncRuleName');
  if (name.length > 128) throw invalidParameter('SyncRuleName', 'must be at most 128 characters');
  const selector = {
    source_namespace: checkName('NamespaceName', p.required('NamespaceName'), 'namespace'),
    source_repository: repo ? checkName('RepoName', repo, 'repository') : null,
    repository_filter: repoFilter ?? null,
    tag_filter: p.required('TagFilter'),
    tag_semver: null,
    target_namespace: checkName('TargetNamespaceName', p.required('TargetNamespaceName'), 'namespace'),
    target_repository: targetRepo ? checkName('TargetRepoName', targetRepo, 'repository') : null,
    tag_rename: null,
  };
  try {
    validateSelector(selector);
  } catch (err) {
    if (err instanceof RegattaError && err.code === 'INVALID_RULE') throw invalidParameter('TagFilter', err.message);
    throw err;
  }
  const rule = await ctx.syncRules.create(scope, {
    ...selector,
    name,
    source_registry_id: source.id,
    target_registry_id: target.id,
    // ACR's default trigger is PASSIVE (automatic on push).
    sync_trigger: p.oneOf('SyncTrigger', ['PASSIVE', 'INITIATIVE'] as const, 'PASSIVE'),
    override: false,
    created_by: call.identity.name,
  });
  return { SyncRuleId: rule.rule_id };
};

const listRepoSyncRule: Action = async ({ ctx, scope, p }) => {
  const instance = await instanceRegistry(ctx, scope, p.required('InstanceId'));
  const page = paging(p);
  const targetInstanceId = p.optional('TargetInstanceId');
  const target = targetInstanceId ? await instanceRegistry(ctx, scope, targetInstanceId) : undefined;
  const targetRegion = p.optional('TargetRegionId');
  const namespace = p.optional('NamespaceName');
  const repo = p.optional('RepoName');
  const { rows } = await ctx.syncRules.list(scope, {
    registryIds: [instance.id],
    targetRegistryId: target?.id,
    sourceNamespace: namespace,
    sourceRepository: repo,
    limit: 100_000,
  });
  const labels = await instanceLabels(
    ctx,
    scope,
    rows.flatMap((r) => [r.source_registry_id, r.target_registry_id]),
  );
  // A region is a property of the target registry, so it filters here rather than in SQL.
  const matching = rows.filter((r) => !targetRegion || labels(r.target_registry_id).regionId === targetRegion);
  return {
    PageNo: page.pageNo,
    PageSize: page.pageSize,
    TotalCount: matching.length,
    SyncRules: matching.slice(page.offset, page.offset + page.pageSize).map((r) => ruleView(r, labels, instance.id)),
  };
};

/** The rule `SyncRuleId` of the instance (as its source or its target); SYNC_RULE_NOT_EXIST otherwise. */
export async function ruleOfInstance(call: ActionCall, registryId: string): Promise<SyncRuleRow> {
  const id = call.p.required('SyncRuleId');
  const rule = await call.ctx.syncRules.get(call.scope, id);
  if (!rule || (rule.source_registry_id !== registryId && rule.target_registry_id !== registryId)) {
    throw notExist('SYNC_RULE_NOT_EXIST', `The sync rule ${id}`);
  }
  return rule;
}

const deleteRepoSyncRule: Action = async (call) => {
  const instance = await instanceRegistry(call.ctx, call.scope, call.p.required('InstanceId'));
  const rule = await ruleOfInstance(call, instance.id);
  await call.ctx.syncRules.delete(call.scope, rule.id);
  return {};
};

export const ruleActions: Record<string, Action> = {
  CreateRepoSyncRule: createRepoSyncRule,
  ListRepoSyncRule: listRepoSyncRule,
  DeleteRepoSyncRule: deleteRepoSyncRule,
};

/** What each action answers with, inside the envelope. */
export const ruleResponses: Record<string, ActionFields> = {
  CreateRepoSyncRule: { SyncRuleId: str },
  ListRepoSyncRule: {
    ...pageProperties,
    TotalCount: { type: 'integer', description: 'Rules matching, on every page' },
    SyncRules: { type: 'array', items: syncRuleSchema },
  },
  DeleteRepoSyncRule: {},
};

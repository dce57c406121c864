// Deletion propagation of a rule (replication/mirror-deletes.ts): its drift view's `extra` tags (at the target, gone
// from the source by the inventories), what the rule's own tasks copied there, and the live checks and deletes on
// the two registries. Asked for explicitly (POST /api/v1/rules/{id}/mirror-deletes, `regatta rule prune`: a dry run
// unless told otherwise), whether or not the rule has `mirror_deletes` on; and after each run of a rule that has it,
// once per batch. Every tag deleted is an entry of the audit log.
import type { AppContext } from '../app/context.js';
import { RegattaError } from '../errors.js';
import { connectorFor } from '../inventory/connect.js';
import { type CopyRecord, copyKey, type MirrorDelete, mirrorDeletes } from '../replication/mirror-deletes.js';
import { fullPath } from '../replication/rule-match.js';
import type { AuditEntry } from '../store/audit.js';
import { ALL_ENTERPRISE_PROJECTS, inScope, type Scope } from '../store/scope.js';
import { getBatch } from '../store/sync-batches.js';
import type { SyncRuleRow } from '../store/sync-rules.js';
import { ruleDrift } from './drift.js';

export interface MirrorDeletesResult {
  rule_id: string;
  dry_run: boolean;
  items: MirrorDelete[];
}

/** Who asked, as the audit log records it (a request's caller, or Regatta itself after a rule run). */
export type MirrorActor = Pick<
  AuditEntry,
  'principal_id' | 'principal_name' | 'credential_id' | 'family' | 'request_id' | 'source'
>;

/** The audit actions of each deleted tag, and of a batch's automatic run. */
const DELETE_ACTION = 'mirror-delete';
const RUN_ACTION = 'mirror-deletes';

export function planMirrorDeletes(ctx: AppContext, scope: Scope, ruleId: string): Promise<MirrorDeletesResult> {
  return runMirrorDeletes(ctx, scope, ruleId, { dryRun: true });
}

/** @throws RegattaError NOT_FOUND for a rule the scope does not have, REGISTRY_DELETED without its registries */
export async function runMirrorDeletes(
  ctx: AppContext,
  scope: Scope,
  ruleId: string,
  opts: { dryRun: boolean; actor?: MirrorActor; signal?: AbortSignal },
): Promise<MirrorDeletesResult> {
  const rule = await ctx.syncRules.get(scope, ruleId);
  if (!rule) throw new RegattaError('NOT_FOUND', `rule ${ruleId} not found`);
  return mirrorRule(ctx, scope, rule, opts);
}

async function mirrorRule(
  ctx: AppContext,
  scope: Scope,
  rule: SyncRuleRow,
  opts: { dryRun: boolean; actor?: MirrorActor; signal?: AbortSignal },
): Promise<MirrorDeletesResult> {
  const drift = await ruleDrift(ctx, scope, rule.id);
  const extras = drift.items.flatMap((i) =>
    i.state === 'extra' && i.target.digest ? [{ path: i.target.path, tag: i.target.tag, digest: i.target.digest }] : [],
  );
  const result: MirrorDeletesResult = { rule_id: rule.id, dry_run: opts.dryRun, items: [] };
  if (extras.length === 0) return result;
  const history = await copyHistory(ctx, scope, rule, extras);
  const [source, target] = await Promise.all([
    connectorFor(ctx.registries, rule.source_registry_id),
    connectorFor(ctx.registries, rule.target_registry_id),
  ]);
  try {
    if (!source || !target) throw new RegattaError('REGISTRY_DELETED', 'the source or target registry was removed');
    const { dryRun, signal } = opts;
    const clients = { source: source.connector.client, target: target.connector.client };
    result.items = await mirrorDeletes({ extras, history, ...clients, dryRun, signal });
    const actor = opts.actor ?? automatic('api');
    for (const i of result.items.filter((i) => i.action === 'deleted')) {
      const what = `${target.registry.registry_addr}/${i.repository}:${i.tag}@${i.digest}`;
      await ctx.audit.append({ ...actor, ...done(rule, DELETE_ACTION, what) });
    }
    return result;
  } finally {
    await source?.connector.close();
    await target?.connector.close();
  }
}

/**
 * What the rule's tasks recorded for each extra target tag, newest first: the last successful copy (source image,
 * digest) and the last digest any task read at the source. Tasks of other rules do not count.
 */
async function copyHistory(
  ctx: AppContext,
  scope: Scope,
  rule: SyncRuleRow,
  extras: readonly { path: string; tag: string }[],
): Promise<Map<string, CopyRecord>> {
  const wanted = new Set(extras.map((e) => copyKey(e.path, e.tag)));
  const tags = [...new Set(extras.map((e) => e.tag))];
  const lastSeen = new Map<string, string>();
  const history = new Map<string, CopyRecord>();
  for (let i = 0; i < tags.length; i += 500) {
    const rows = await ctx.db
      .selectFrom('sync_tasks')
      .select(['target_namespace', 'target_repository', 'target_tag', 'source_namespace', 'source_repository'])
      .select(['source_tag', 'source_digest', 'status'])
      .where(inScope(scope, 'sync_tasks'))
      .where('rule_id', '=', rule.id)
      .where('target_registry_id', '=', rule.target_registry_id)
      .where('target_tag', 'in', tags.slice(i, i + 500))
      .where('status', 'in', ['SUCCESS', 'ERROR'])
      .where('source_digest', 'is not', null)
      .orderBy('finished_at', 'desc')
      .orderBy('seq', 'desc')
      .execute();
    for (const r of rows) {
      const key = copyKey(fullPath(r.target_namespace, r.target_repository), r.target_tag);
      if (!wanted.has(key)) continue;
      if (!lastSeen.has(key)) lastSeen.set(key, r.source_digest!);
      if (r.status !== 'SUCCESS' || history.has(key)) continue;
      const source = { path: fullPath(r.source_namespace, r.source_repository), tag: r.source_tag };
      history.set(key, { source, copied: r.source_digest!, lastSeen: lastSeen.get(key)! });
    }
  }
  return history;
}

/**
 * After the task of a rule with `mirror_deletes` ended: when it was the last open task of one of the rule's runs
 * (a selected batch; a push's batch is not a run), the deletions run, once per batch (the batch is claimed in one
 * UPDATE, so two tasks ending together cannot both run them). Never throws: a failure is logged, and the task's
 * end stands.
 */
export async function mirrorDeletesAfterBatch(ctx: AppContext, batchId: string, ruleId: string): Promise<void> {
  try {
    const rule = await ctx.syncRules.byId(ruleId);
    if (!rule?.mirror_deletes) return;
    const scope = { projectId: rule.project_id, enterpriseProjectId: ALL_ENTERPRISE_PROJECTS };
    const open = await ctx.db
      .selectFrom('sync_tasks')
      .select('id')
      .where('batch_id', '=', batchId)
      .where('status', 'in', ['PENDING', 'SYNCHRONIZING'])
      .limit(1)
      .executeTakeFirst();
    if (open) return;
    const batch = await getBatch(ctx.db, scope, batchId);
    if (!batch || batch.rule_id !== rule.id || batch.selection !== 'SELECTED' || !batch.selection_request) return;
    if (!(await ctx.syncTasks.claimMirrorDeletes(batchId))) return;
    const actor = automatic(batchId);
    await ctx.audit.append({ ...actor, ...done(rule, RUN_ACTION, `rule ${rule.rule_id} after batch ${batchId}`) });
    await mirrorRule(ctx, scope, rule, { dryRun: false, actor });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    process.stderr.write(`regatta: mirror deletes of rule ${ruleId} after batch ${batchId}: ${why}\n`);
  }
}

/** Regatta itself, acting for a rule: `requestId` names what started it (a batch). */
function automatic(requestId: string): MirrorActor {
  return {
    principal_id: null,
    principal_name: 'regatta',
    credential_id: null,
    family: 'native',
    request_id: requestId,
    source: 'regatta',
  };
}

function done(rule: SyncRuleRow, action: string, target: string) {
  return {
    project_id: rule.project_id,
    action,
    target: target.slice(0, 500),
    status: 200,
    outcome: 'success',
  } as const;
}

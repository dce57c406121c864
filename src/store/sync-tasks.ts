// Sync batches and tasks: one task per image copy (ACR SyncTask, SWR SyncJob), grouped by the trigger that made
// them (ACR SyncBatchTaskId). Status moves PENDING → SYNCHRONIZING → SUCCESS | ERROR | CANCELED; the guarded
// updates below (status in the WHERE) make a cancel win over a worker finishing, and a finished task final.
import { type Insertable, type Kysely, type RawBuilder, type Selectable, sql, type Transaction } from 'kysely';
import type { LayerTask, RuleGates, Schema, SelectionRequest, SyncTaskStatus } from './schema.js';
import { inScope, isUuid, type Scope, writableEnterpriseProject } from './scope.js';
import { externalId } from './sync-rules.js';

export type SyncTaskRow = Selectable<Schema['sync_tasks']>;
export type SyncBatchRow = Selectable<Schema['sync_batches']>;
/** A task as a worker claims it: with its rule's replication gates (null: none, or no rule) and mirror_deletes. */
export type ClaimedTask = SyncTaskRow & { rule_gates: RuleGates | null; rule_mirror_deletes: boolean };

export type SyncTaskInput = Omit<
  Insertable<Schema['sync_tasks']>,
  | 'id'
  | 'task_id'
  | 'batch_id'
  | 'project_id'
  | 'enterprise_project_id'
  | 'sync_trigger'
  | 'created_by'
  | 'platforms'
  | 'layers'
  | 'referrer_tags'
> & { platforms?: string[] | null; referrer_tags?: string[] | null };

export interface BatchInput {
  trigger: 'PASSIVE' | 'INITIATIVE';
  origin: string;
  createdBy?: string;
  /** The rule a rule run selects from. */
  ruleId?: string;
  /** A rule run whose images are selected later (by an expand job): the batch starts SELECTING. */
  selecting?: SelectionRequest;
}

export interface SyncTaskFilter {
  /** Tasks whose source or target is one of these registries. */
  registryIds?: string[];
  sourceRegistryId?: string;
  sourceNamespace?: string;
  sourceRepository?: string;
  sourceTag?: string;
  batchId?: string;
  status?: SyncTaskStatus;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

const OPEN: SyncTaskStatus[] = ['PENDING', 'SYNCHRONIZING'];
/** A running task writes progress or a heartbeat at least this often (s); one silent longer counts as dead. */
export const HEARTBEAT_WINDOW_S = 30;

/** Which blocked tasks `reopenBlocked` puts back: every filter given must hold. */
export interface ReopenScope {
  ruleId?: string;
  digests?: string[];
  projectId?: string;
  /** The gates whose refusals the change may undo (the task detail's `gate:` prefix). */
  gates?: readonly string[];
}

export class SyncTaskStore {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Records a batch and its tasks, PENDING, in one transaction. */
  async createBatch(
    scope: Scope,
    batch: BatchInput,
    tasks: SyncTaskInput[],
  ): Promise<{ batch: SyncBatchRow; tasks: SyncTaskRow[] }> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('sync_batches')
        .values({
          project_id: scope.projectId,
          enterprise_project_id: writableEnterpriseProject(scope),
          sync_trigger: batch.trigger,
          origin: batch.origin,
          created_by: batch.createdBy ?? '',
          rule_id: batch.ruleId ?? null,
          ...(batch.selecting ? { selection: 'SELECTING', selection_request: JSON.stringify(batch.selecting) } : {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { batch: row, tasks: await insertTasks(trx, row, tasks) };
    });
  }

  /**
   * Records the images a SELECTING batch's rule selected and marks it SELECTED, in one transaction; returns
   * the tasks, or undefined when the batch is no longer SELECTING (a job delivered twice selects once).
   */
  async recordSelection(
    batchId: string,
    tasks: SyncTaskInput[],
    detail: string | null,
  ): Promise<SyncTaskRow[] | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('sync_batches')
        .set({ selection: 'SELECTED', selection_detail: detail?.slice(0, 2000) ?? null })
        .where('id', '=', batchId)
        .where('selection', '=', 'SELECTING')
        .returningAll()
        .executeTakeFirst();
      return row ? insertTasks(trx, row, tasks) : undefined;
    });
  }

  /** A selection that could not be made (the source registry was removed or could not be listed). */
  async failSelection(batchId: string, detail: string): Promise<void> {
    await this.db
      .updateTable('sync_batches')
      .set({ selection: 'FAILED', selection_detail: detail.slice(0, 500) })
      .where('id', '=', batchId)
      .where('selection', '=', 'SELECTING')
      .execute();
  }

  /** A batch still SELECTING, unscoped: for the expand job. */
  async selecting(batchId: string): Promise<SyncBatchRow | undefined> {
    if (!isUuid(batchId)) return undefined;
    return this.db
      .selectFrom('sync_batches')
      .selectAll()
      .where('id', '=', batchId)
      .where('selection', '=', 'SELECTING')
      .executeTakeFirst();
  }

  /** Every batch still SELECTING: what start-up queues again after a crash. */
  async allSelecting(): Promise<SyncBatchRow[]> {
    return this.db.selectFrom('sync_batches').selectAll().where('selection', '=', 'SELECTING').execute();
  }

  async list(scope: Scope, f: SyncTaskFilter = {}): Promise<{ total: number; rows: SyncTaskRow[] }> {
    let q = this.db.selectFrom('sync_tasks').where(inScope(scope, 'sync_tasks'));
    if (f.registryIds) {
      const ids = f.registryIds.length ? f.registryIds : ['00000000-0000-0000-0000-000000000000'];
      q = q.where((eb) => eb.or([eb('source_registry_id', 'in', ids), eb('target_registry_id', 'in', ids)]));
    }
    if (f.sourceRegistryId) q = q.where('source_registry_id', '=', f.sourceRegistryId);
    if (f.sourceNamespace !== undefined) q = q.where('source_namespace', '=', f.sourceNamespace);
    if (f.sourceRepository !== undefined) q = q.where('source_repository', '=', f.sourceRepository);
    if (f.sourceTag !== undefined) q = q.where('source_tag', '=', f.sourceTag);
    if (f.batchId) {
      if (!isUuid(f.batchId)) return { total: 0, rows: [] };
      q = q.where('batch_id', '=', f.batchId);
    }
    if (f.status) q = q.where('status', '=', f.status);
    const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const dir = f.order ?? 'desc';
    const rows = await q
      .selectAll()
      .orderBy('created_at', dir)
      .orderBy('seq', dir)
      .offset(f.offset ?? 0)
      .limit(f.limit ?? 100)
      .execute();
    return { total: Number(total), rows };
  }

  /** A task by uuid, unscoped: for workers and events, which carry no caller. */
  async byId(id: string): Promise<SyncTaskRow | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db.selectFrom('sync_tasks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A task by its uuid or ACR SyncTaskId (`rst-…`). */
  async get(scope: Scope, id: string): Promise<SyncTaskRow | undefined> {
    const column = id.startsWith('rst-') ? 'task_id' : isUuid(id) ? 'id' : undefined;
    if (!column) return undefined;
    return this.db
      .selectFrom('sync_tasks')
      .selectAll()
      .where(inScope(scope, 'sync_tasks'))
      .where(column, '=', id)
      .executeTakeFirst();
  }

  /** Status of a task, for a worker watching for a cancel. Unscoped: workers act for every project. */
  async statusOf(id: string): Promise<SyncTaskStatus | undefined> {
    const row = await this.db.selectFrom('sync_tasks').select('status').where('id', '=', id).executeTakeFirst();
    return row?.status;
  }

  /**
   * Marks task `id` SYNCHRONIZING for a worker, unless a registry of it already runs `perRegistry` live tasks
   * (those whose worker showed life lately; orphans drop out). One statement in the common case: the limit is
   * checked inside the UPDATE. Returns the row, 'busy' (still PENDING: queue it again), or undefined when the task
   * is not runnable (finished or canceled before a worker got to it).
   */
  async claim(id: string, perRegistry = Number.POSITIVE_INFINITY): Promise<ClaimedTask | 'busy' | undefined> {
    if (!isUuid(id)) return undefined;
    let claim = this.db
      .updateTable('sync_tasks as t')
      .set({
        status: 'SYNCHRONIZING',
        attempts: sql`t.attempts + 1`,
        started_at: sql`coalesce(t.started_at, now())`,
        updated_at: sql`now()`,
      })
      .where('t.id', '=', id)
      .where('t.status', 'in', OPEN);
    if (Number.isFinite(perRegistry)) {
      claim = claim
        .where(sql<number>`${liveTasksOf(sql.ref('t.source_registry_id'))}`, '<', perRegistry)
        .where(sql<number>`${liveTasksOf(sql.ref('t.target_registry_id'))}`, '<', perRegistry);
    }
    // The rule's gates come with the claim: a task of an ungated rule costs no read of its rule.
    const claimed = await claim
      .returningAll()
      .returning(sql<RuleGates | null>`(select r.gates from sync_rules r where r.id = t.rule_id)`.as('rule_gates'))
      .returning(
        sql<boolean>`coalesce((select r.mirror_deletes from sync_rules r where r.id = t.rule_id), false)`.as(
          'rule_mirror_deletes',
        ),
      )
      .executeTakeFirst();
    if (claimed) return claimed;
    const row = await this.db.selectFrom('sync_tasks').select('status').where('id', '=', id).executeTakeFirst();
    return row && OPEN.includes(row.status) ? 'busy' : undefined;
  }

  /** A running task's sign of life, when it has no progress to write. */
  async heartbeat(id: string): Promise<void> {
    await this.db
      .updateTable('sync_tasks')
      .set({ updated_at: sql`now()` })
      .where('id', '=', id)
      .where('status', '=', 'SYNCHRONIZING')
      .execute();
  }

  /** Progress of a running task; a no-op once it is no longer SYNCHRONIZING. */
  async progress(
    id: string,
    p: { totalSize: number; syncedSize: number; layers: LayerTask[]; retrying: string | null; digest?: string },
  ): Promise<void> {
    await this.db
      .updateTable('sync_tasks')
      .set({
        total_size: p.totalSize,
        synced_size: p.syncedSize,
        layers: JSON.stringify(p.layers),
        retrying: p.retrying,
        ...(p.digest ? { source_digest: p.digest } : {}),
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .where('status', '=', 'SYNCHRONIZING')
      .execute();
  }

  /** Ends a running task; false when it was canceled (or finished) meanwhile. */
  async finish(
    id: string,
    end: {
      status: 'SUCCESS' | 'ERROR';
      issue?: string;
      detail?: string;
      digest?: string;
      /** The last progress, written in the same statement (a copy faster than one tick never wrote any). */
      progress?: { totalSize: number; syncedSize: number; layers: LayerTask[] };
    },
  ): Promise<boolean> {
    const p = end.progress;
    const r = await this.db
      .updateTable('sync_tasks')
      .set({
        status: end.status,
        issue: end.issue ?? null,
        issue_detail: end.detail ?? null,
        retrying: null,
        ...(end.digest ? { source_digest: end.digest } : {}),
        ...(p ? { total_size: p.totalSize, synced_size: p.syncedSize, layers: JSON.stringify(p.layers) } : {}),
        ...(end.status === 'SUCCESS' ? { synced_size: p ? p.totalSize : sql<number>`total_size` } : {}),
        finished_at: sql`now()`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .where('status', 'in', OPEN)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * True when rule `ruleId` already has a task for this source image at `digest` that has not failed: a push seen
   * both as an event and by the polling fallback makes one task, not two.
   */
  async alreadyPlanned(
    ruleId: string,
    source: { registryId: string; namespace: string; repository: string; tag: string },
    digest: string,
  ): Promise<boolean> {
    const row = await this.db
      .selectFrom('sync_tasks')
      .select('id')
      .where('source_registry_id', '=', source.registryId)
      .where('source_namespace', '=', source.namespace)
      .where('source_repository', '=', source.repository)
      .where('source_tag', '=', source.tag)
      .where('rule_id', '=', ruleId)
      .where('source_digest', '=', digest)
      .where('status', 'in', ['PENDING', 'SYNCHRONIZING', 'SUCCESS'])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Cancels a task that has not ended; false when it had. */
  async cancel(scope: Scope, id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('sync_tasks')
      .set({ status: 'CANCELED', retrying: null, finished_at: sql`now()`, updated_at: sql`now()` })
      .where(inScope(scope, 'sync_tasks'))
      .where('id', '=', id)
      .where('status', 'in', OPEN)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Puts the ERROR tasks of a batch back to PENDING; returns them (the caller enqueues them again). */
  async retryFailed(scope: Scope, batchId: string): Promise<SyncTaskRow[]> {
    if (!isUuid(batchId)) return [];
    return this.db
      .updateTable('sync_tasks')
      .set({
        status: 'PENDING',
        issue: null,
        issue_detail: null,
        synced_size: 0,
        started_at: null,
        finished_at: null,
        updated_at: sql`now()`,
      })
      .where(inScope(scope, 'sync_tasks'))
      .where('batch_id', '=', batchId)
      .where('status', '=', 'ERROR')
      .returningAll()
      .execute();
  }

  /** Claims batch `batchId`'s deletion propagation: true for the one caller that gets it. */
  async claimMirrorDeletes(batchId: string): Promise<boolean> {
    const r = await this.db
      .updateTable('sync_batches')
      .set({ mirror_deletes_at: sql`now()` })
      .where('id', '=', batchId)
      .where('mirror_deletes_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Source digests a gate of the rule refused in their tasks' latest end (the drift view's `blocked`). */
  async blockedDigests(ruleId: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('sync_tasks')
      .select('source_digest')
      .distinct()
      .where('rule_id', '=', ruleId)
      .where('status', '=', 'ERROR')
      .where('issue', '=', 'POLICY_BLOCKED')
      .where('source_digest', 'is not', null)
      .execute();
    return new Set(rows.map((r) => r.source_digest!));
  }

  /**
   * A claimed task goes back to PENDING without having run (its gate waits for a scan): `note` says why in
   * `retrying`, as a retry does. False when it is no longer SYNCHRONIZING (canceled meanwhile).
   */
  async unclaim(id: string, note: string): Promise<boolean> {
    const r = await this.db
      .updateTable('sync_tasks')
      .set({ status: 'PENDING', retrying: note.slice(0, 500), updated_at: sql`now()` })
      .where('id', '=', id)
      .where('status', '=', 'SYNCHRONIZING')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Tasks a replication gate blocked (ERROR POLICY_BLOCKED) put back to PENDING, for the reason may have gone
   * away: those of a rule (its gates changed), of source digests (rescanned, newly signed) or of a project (a key
   * it trusts was added); with `gates`, only those one of these gates refused (the detail starts with its name), so
   * a scan does not reopen a task refused for want of a signature. Unscoped: called by workers and services after a
   * change they made. Returns them (the caller enqueues them).
   */
  async reopenBlocked(by: ReopenScope): Promise<SyncTaskRow[]> {
    if (by.digests?.length === 0 || by.gates?.length === 0) return [];
    let q = this.db
      .updateTable('sync_tasks')
      .set({ status: 'PENDING', issue: null, issue_detail: null, finished_at: null, updated_at: sql`now()` })
      .where('status', '=', 'ERROR')
      .where('issue', '=', 'POLICY_BLOCKED');
    if (by.ruleId) q = q.where('rule_id', '=', by.ruleId);
    if (by.digests) q = q.where('source_digest', 'in', by.digests);
    if (by.projectId) q = q.where('project_id', '=', by.projectId);
    const gates = by.gates;
    if (gates) q = q.where((eb) => eb.or(gates.map((g) => eb('issue_detail', 'like', `${g}:%`))));
    return q.returningAll().execute();
  }
}

/** Inserts `tasks` PENDING into `batch`, with its scope, trigger and author. */
async function insertTasks(
  trx: Transaction<Schema>,
  batch: SyncBatchRow,
  tasks: SyncTaskInput[],
): Promise<SyncTaskRow[]> {
  if (tasks.length === 0) return [];
  return trx
    .insertInto('sync_tasks')
    .values(
      tasks.map((t) => ({
        ...t,
        platforms: t.platforms ? JSON.stringify(t.platforms) : null,
        referrer_tags: t.referrer_tags ? JSON.stringify(t.referrer_tags) : null,
        task_id: externalId('rst'),
        batch_id: batch.id,
        project_id: batch.project_id,
        enterprise_project_id: batch.enterprise_project_id,
        sync_trigger: batch.sync_trigger,
        created_by: batch.created_by,
      })),
    )
    .returningAll()
    .execute();
}

/** SYNCHRONIZING tasks (other than the one claimed) from or to `registry` whose worker showed life lately. */
function liveTasksOf(registry: RawBuilder<unknown>) {
  return sql<number>`(select count(*) from sync_tasks o where o.status = 'SYNCHRONIZING' and o.id <> t.id
    and o.updated_at > now() - ${sql.lit(`${HEARTBEAT_WINDOW_S} seconds`)}::interval
    and (o.source_registry_id = ${registry} or o.target_registry_id = ${registry}))`;
}

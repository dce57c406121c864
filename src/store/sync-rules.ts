// Sync rules: one row per rule whichever facade made it (SWR sync_repo, ACR CreateRepoSyncRule, the native API),
// so each facade lists the others' rules in its own shape. Every read and write is scoped to the caller's project.
import { randomBytes } from 'node:crypto';
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { Schema } from './schema.js';
import { inScope, isUuid, type Scope, writableEnterpriseProject } from './scope.js';

export type SyncRuleRow = Selectable<Schema['sync_rules']>;

export type SyncRuleInput = Omit<
  Insertable<Schema['sync_rules']>,
  'id' | 'rule_id' | 'project_id' | 'enterprise_project_id' | 'created_at' | 'updated_at' | 'platforms'
> & { platforms?: string[] | null };

export interface SyncRuleFilter {
  /** Rules whose source or target is one of these registries. */
  registryIds?: string[];
  sourceRegistryId?: string;
  targetRegistryId?: string;
  sourceNamespace?: string;
  /** Rules naming this repository, or covering the whole namespace (source_repository NULL). */
  sourceRepository?: string;
  targetNamespace?: string;
  offset?: number;
  limit?: number;
}

/** `prefix-` + 16 base36 characters: the shape of ACR ids (`crsr-…`, `rst-…`). */
export function externalId(prefix: string): string {
  const bytes = randomBytes(16);
  let id = '';
  for (const b of bytes) id += (b % 36).toString(36);
  return `${prefix}-${id}`;
}

export class SyncRuleStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(scope: Scope, input: SyncRuleInput): Promise<SyncRuleRow> {
    return this.db
      .insertInto('sync_rules')
      .values({
        ...input,
        platforms: input.platforms ? JSON.stringify(input.platforms) : null,
        rule_id: externalId('crsr'),
        project_id: scope.projectId,
        enterprise_project_id: writableEnterpriseProject(scope),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async list(scope: Scope, f: SyncRuleFilter = {}): Promise<{ total: number; rows: SyncRuleRow[] }> {
    let q = this.db.selectFrom('sync_rules').where(inScope(scope, 'sync_rules'));
    if (f.registryIds) {
      const ids = f.registryIds.length ? f.registryIds : ['00000000-0000-0000-0000-000000000000'];
      q = q.where((eb) => eb.or([eb('source_registry_id', 'in', ids), eb('target_registry_id', 'in', ids)]));
    }
    if (f.sourceRegistryId) q = q.where('source_registry_id', '=', f.sourceRegistryId);
    if (f.targetRegistryId) q = q.where('target_registry_id', '=', f.targetRegistryId);
    if (f.sourceNamespace !== undefined) q = q.where('source_namespace', '=', f.sourceNamespace);
    if (f.sourceRepository !== undefined) {
      const repo = f.sourceRepository;
      q = q.where((eb) => eb.or([eb('source_repository', '=', repo), eb('source_repository', 'is', null)]));
    }
    if (f.targetNamespace !== undefined) q = q.where('target_namespace', '=', f.targetNamespace);
    const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
    const rows = await q
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('seq', 'desc')
      .offset(f.offset ?? 0)
      .limit(f.limit ?? 1000)
      .execute();
    return { total: Number(total), rows };
  }

  /** A rule by its uuid, ACR SyncRuleId (`crsr-…`) or SWR integer id. */
  async get(scope: Scope, id: string | number): Promise<SyncRuleRow | undefined> {
    let q = this.db.selectFrom('sync_rules').selectAll().where(inScope(scope, 'sync_rules'));
    if (typeof id === 'number') q = q.where('seq', '=', id);
    else if (id.startsWith('crsr-')) q = q.where('rule_id', '=', id);
    else if (isUuid(id)) q = q.where('id', '=', id);
    else return undefined;
    return q.executeTakeFirst();
  }

  /** Replaces what a rule selects, where it copies and how (its ids, author and creation time stay). */
  async update(scope: Scope, id: string, input: Omit<SyncRuleInput, 'created_by'>): Promise<SyncRuleRow | undefined> {
    return this.db
      .updateTable('sync_rules')
      .set({
        ...input,
        platforms: input.platforms ? JSON.stringify(input.platforms) : null,
        updated_at: sql<Date>`now()`,
      })
      .where(inScope(scope, 'sync_rules'))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('sync_rules')
      .where(inScope(scope, 'sync_rules'))
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /**
   * PASSIVE rules that may fire for a push into `repository` of a source registry. Not scoped: a push event
   * belongs to the registry, and each rule carries its own project into the tasks it makes.
   */
  /** The PASSIVE rules reading `sourceRegistryId`; which of them select a pushed image is rule-match's to say. */
  async passiveFor(sourceRegistryId: string): Promise<SyncRuleRow[]> {
    return this.db
      .selectFrom('sync_rules')
      .selectAll()
      .where('source_registry_id', '=', sourceRegistryId)
      .where('sync_trigger', '=', 'PASSIVE')
      .execute();
  }

  /** A rule by uuid, unscoped: for a queued job, which carries no caller. */
  async byId(id: string): Promise<SyncRuleRow | undefined> {
    if (!isUuid(id)) return undefined;
    return this.db.selectFrom('sync_rules').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Source registries of PASSIVE rules: what the polling fallback re-crawls. */
  async passiveSources(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('sync_rules')
      .select('source_registry_id')
      .distinct()
      .where('sync_trigger', '=', 'PASSIVE')
      .execute();
    return rows.map((r) => r.source_registry_id);
  }
}

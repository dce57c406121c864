// Connected registries (HSS RegistryInfo rows). Passwords arrive in plain text and leave this module only
// encrypted (to the table) or decrypted for a connector; no read here returns them to an API.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Schema } from './schema.js';
import { inScope, isUuid, type Scope, writableEnterpriseProject } from './scope.js';
import type { SecretBox } from './secrets.js';

export type RegistryRow = Selectable<Schema['registries']>;
/** A registry as the API may show it: no password, not even encrypted. */
export type RegistryView = Omit<RegistryRow, 'password_enc'>;

export interface RegistryInput {
  registry_name: string;
  registry_type: string;
  api_version?: string;
  protocol: string;
  registry_addr: string;
  registry_username?: string;
  registry_password?: string;
  namespace?: string;
  connect_cluster_id?: string;
  get_scan_image_channel?: string;
  region_id?: string;
  instance_id?: string;
  instance_name?: string;
  instance_url?: string;
}

export interface RegistryFilter {
  registry_name?: string;
  registry_id?: string;
  registry_types?: string[];
  registry_addr?: string;
  status?: string;
  offset: number;
  limit: number;
}

export type RegistryStatus =
  | { status: 'accessing' }
  | { status: 'success' }
  | { status: 'fail'; fail_reason: string; fail_detail: string };

const VIEW_COLUMNS = [
  'id',
  'project_id',
  'enterprise_project_id',
  'registry_name',
  'registry_type',
  'api_version',
  'protocol',
  'registry_addr',
  'registry_username',
  'namespace',
  'connect_cluster_id',
  'get_scan_image_channel',
  'region_id',
  'instance_id',
  'instance_name',
  'instance_url',
  'status',
  'fail_reason',
  'fail_detail',
  'images_num',
  'latest_sync_time',
  'checked_at',
  'created_at',
  'updated_at',
] as const;

/**
 * The instance a registry's images belong to, as users know it: its own name and URL when set, else the
 * registry's name and address (seed 003's instance_name and instance_url are filled on every row).
 */
export function instanceOf(r: {
  registry_name: string;
  protocol: string;
  registry_addr: string;
  instance_name: string | null;
  instance_url: string | null;
}): { instance_name: string; instance_url: string } {
  return {
    instance_name: r.instance_name ?? r.registry_name,
    instance_url: r.instance_url ?? `${r.protocol}://${r.registry_addr}`,
  };
}

/** The SQL of instanceOf's name, for filters. */
export const INSTANCE_NAME_SQL = sql<string>`coalesce(instance_name, registry_name)`;

export class RegistryStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secrets: SecretBox,
  ) {}

  async list(scope: Scope, f: RegistryFilter): Promise<{ total: number; rows: RegistryView[] }> {
    let q = this.db.selectFrom('registries').where(inScope(scope, 'registries'));
    if (f.registry_name) q = q.where('registry_name', '=', f.registry_name);
    // Compared as text: a caller's id that is not a UUID simply matches nothing.
    if (f.registry_id) q = q.where(sql<string>`registries.id::text`, '=', f.registry_id);
    if (f.registry_types?.length) q = q.where('registry_type', 'in', f.registry_types);
    if (f.registry_addr) q = q.where('registry_addr', '=', f.registry_addr);
    if (f.status) q = q.where('status', '=', f.status);
    const [{ total }] = (await q.select((eb) => eb.fn.countAll<number>().as('total')).execute()) as [{ total: number }];
    const rows = await q
      .select(VIEW_COLUMNS)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .offset(f.offset)
      .limit(f.limit)
      .execute();
    return { total: Number(total), rows };
  }

  async get(scope: Scope, id: string): Promise<RegistryView | undefined> {
    return this.db
      .selectFrom('registries')
      .select(VIEW_COLUMNS)
      .where(inScope(scope, 'registries'))
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /**
   * The caller's registry with this `region_id` (SWR remoteRegionId) or `instance_id` (ACR InstanceId); the oldest
   * when several share it.
   */
  async byLocator(scope: Scope, by: 'region_id' | 'instance_id', value: string): Promise<RegistryView | undefined> {
    return this.db
      .selectFrom('registries')
      .select(VIEW_COLUMNS)
      .where(inScope(scope, 'registries'))
      .where(by, '=', value)
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
  }

  /** Registries whose address is `host[:port]`, in every project: a push event names only the host. */
  async byAddress(address: string): Promise<RegistryView[]> {
    return this.db.selectFrom('registries').select(VIEW_COLUMNS).where('registry_addr', '=', address).execute();
  }

  /** Inserts a registry in `accessing` state; throws the driver's unique violation on a duplicate name. */
  async add(scope: Scope, input: RegistryInput): Promise<RegistryView> {
    const { registry_password, ...fields } = input;
    return this.db
      .insertInto('registries')
      .values({
        ...fields,
        project_id: scope.projectId,
        enterprise_project_id: writableEnterpriseProject(scope),
        password_enc: registry_password === undefined ? null : this.secrets.encrypt(registry_password),
        status: 'accessing',
      })
      .returning(VIEW_COLUMNS)
      .executeTakeFirstOrThrow();
  }

  /** Updates the given fields and starts access again; a password left out keeps the stored one. */
  async update(scope: Scope, id: string, input: Partial<RegistryInput>): Promise<RegistryView | undefined> {
    const { registry_password, ...fields } = input;
    const password = registry_password === undefined ? {} : { password_enc: this.secrets.encrypt(registry_password) };
    return this.db
      .updateTable('registries')
      .set({
        ...fields,
        ...password,
        status: 'accessing',
        fail_reason: null,
        fail_detail: null,
        updated_at: new Date(),
      })
      .where(inScope(scope, 'registries'))
      .where('id', '=', id)
      .returning(VIEW_COLUMNS)
      .executeTakeFirst();
  }

  /** Deletes registries by id within scope; returns the ids that existed. */
  async delete(scope: Scope, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .deleteFrom('registries')
      .where(inScope(scope, 'registries'))
      .where('id', 'in', ids)
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Access results: how many registries succeeded and failed (HSS ListRegistryStatistics). */
  async statistics(scope: Scope, registryType?: string): Promise<{ success_num: number; fail_num: number }> {
    let q = this.db.selectFrom('registries').where(inScope(scope, 'registries'));
    if (registryType) q = q.where('registry_type', '=', registryType);
    const rows = await q
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { success_num: count('success'), fail_num: count('fail') };
  }

  // The calls below run in workers on ids taken from jobs, which were created inside a scope.

  /** The row with its password decrypted, for a connector. */
  /** Every registry's id by project, unscoped: for the schedules that visit every project. */
  async idsByProject(): Promise<Map<string, string[]>> {
    const rows = await this.db.selectFrom('registries').select(['id', 'project_id']).execute();
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.project_id, [...(out.get(r.project_id) ?? []), r.id]);
    return out;
  }

  async connectionOf(id: string): Promise<(RegistryView & { password?: string }) | undefined> {
    const row = await this.db.selectFrom('registries').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const { password_enc, ...view } = row;
    return { ...view, password: password_enc ? this.secrets.decrypt(password_enc) : undefined };
  }

  async setStatus(id: string, s: RegistryStatus): Promise<void> {
    const fail =
      s.status === 'fail'
        ? { fail_reason: s.fail_reason, fail_detail: s.fail_detail }
        : { fail_reason: null, fail_detail: null };
    await this.db
      .updateTable('registries')
      .set({ status: s.status, ...fail, checked_at: new Date() })
      .where('id', '=', id)
      .execute();
  }

  async setInventory(id: string, imagesNum: number, syncTime: number): Promise<void> {
    await this.db
      .updateTable('registries')
      .set({ images_num: imagesNum, latest_sync_time: syncTime })
      .where('id', '=', id)
      .execute();
  }

  /** The project a registry belongs to (for sharing work fairly between projects), or undefined when gone. */
  async projectOf(id: string): Promise<string | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.db.selectFrom('registries').select('project_id').where('id', '=', id).executeTakeFirst();
    return row?.project_id;
  }

  /** Ids of every registry (for scheduled health checks). */
  async allIds(): Promise<string[]> {
    return (await this.db.selectFrom('registries').select('id').execute()).map((r) => r.id);
  }
}

// ListRegistryImages (HSS seed 003): every documented filter, newest first by default, paged. The filters map
// onto the indexes of 001_init.sql: name filters are prefix matches (index range scans), time and scan filters
// ranges, and the default order walks images_newest.
import type { Kysely, Selectable } from 'kysely';
import type { Schema } from './schema.js';
import { inScope, type Scope } from './scope.js';

export interface ImageFilter {
  namespace?: string;
  image_name?: string;
  image_version?: string;
  registry_name?: string;
  image_type?: string;
  sort_key?: 'latest_scan_time';
  sort_dir?: 'asc' | 'desc';
  offset: number;
  limit: number;
  latest_version?: boolean;
  image_size?: number;
  scan_status?: string;
  start_latest_update_time?: number;
  end_latest_update_time?: number;
  start_latest_scan_time?: number;
  end_latest_scan_time?: number;
  start_latest_sync_time?: number;
  end_latest_sync_time?: number;
  has_malicious_file?: boolean;
  has_unsafe_setting?: boolean;
  has_vul?: boolean;
  risky?: boolean;
  instance_id?: string;
  instance_name?: string;
  is_multarch?: boolean;
  severity_level?: string;
}

export type ImageListRow = Selectable<Schema['images']> & {
  registry_name: string;
  registry_type: string;
  instance_id: string | null;
  platforms: Selectable<Schema['image_platforms']>[];
};

/** Registry types → the HSS image_type of their images. */
export const IMAGE_TYPE_OF_REGISTRY: Record<string, string> = {
  SwrPrivate: 'private_image',
  SwrShared: 'shared_image',
  SwrEnterprise: 'instance_image',
  Harbor: 'harbor',
  Jfrog: 'jfrog',
  Other: 'other',
};

export async function listImages(
  db: Kysely<Schema>,
  scope: Scope,
  f: ImageFilter,
): Promise<{ total: number; rows: ImageListRow[] }> {
  const registries = await matchingRegistries(db, scope, f);
  if (registries.size === 0) return { total: 0, rows: [] };
  const q = filtered(db, scope, f, [...registries.keys()]);
  const [{ total }] = (await q.select((eb) => eb.fn.countAll<number>().as('total')).execute()) as [{ total: number }];
  let page = q.selectAll('images');
  if (f.sort_key === 'latest_scan_time')
    page = page.orderBy('latest_scan_time', f.sort_dir === 'desc' ? 'desc' : 'asc');
  const rows = await page
    .orderBy('latest_update_time', 'desc')
    .orderBy('id', 'desc')
    .offset(f.offset)
    .limit(f.limit)
    .execute();
  const platforms = await platformsOf(
    db,
    rows.map((r) => r.id),
  );
  return {
    total: Number(total),
    rows: rows.map((r) => {
      const reg = registries.get(r.registry_id)!;
      return {
        ...r,
        registry_name: reg.registry_name,
        registry_type: reg.registry_type,
        instance_id: reg.instance_id,
        platforms: platforms.get(r.id) ?? [],
      };
    }),
  };
}

/** Registries in scope that pass the registry-level filters (name, type, instance). */
async function matchingRegistries(db: Kysely<Schema>, scope: Scope, f: ImageFilter) {
  let q = db
    .selectFrom('registries')
    .select(['id', 'registry_name', 'registry_type', 'instance_id'])
    .where(inScope(scope, 'registries'));
  if (f.registry_name) q = q.where('registry_name', '=', f.registry_name);
  if (f.instance_id) q = q.where('instance_id', '=', f.instance_id);
  if (f.instance_name) q = q.where('instance_id', '=', f.instance_name);
  if (f.image_type) {
    const types = Object.entries(IMAGE_TYPE_OF_REGISTRY)
      .filter(([, t]) => t === f.image_type)
      .map(([r]) => r);
    if (types.length === 0) return new Map();
    q = q.where('registry_type', 'in', types);
  }
  return new Map((await q.execute()).map((r) => [r.id, r]));
}

function filtered(db: Kysely<Schema>, scope: Scope, f: ImageFilter, registryIds: string[]) {
  let q = db.selectFrom('images').where(inScope(scope, 'images')).where('registry_id', 'in', registryIds);
  if (f.namespace) q = q.where('namespace', '=', f.namespace);
  if (f.image_name) q = q.where('image_name', 'like', `${escapeLike(f.image_name)}%`);
  if (f.image_version) q = q.where('image_version', '=', f.image_version);
  if (f.latest_version) q = q.where('latest_version', '=', true);
  if (f.image_size !== undefined) q = q.where('image_size', '>=', f.image_size);
  if (f.scan_status) q = q.where('scan_status', '=', f.scan_status);
  if (f.severity_level) q = q.where('severity_level', '=', f.severity_level);
  if (f.is_multarch !== undefined) q = q.where('is_multiple_arch', '=', f.is_multarch);
  q = range(q, 'latest_update_time', f.start_latest_update_time, f.end_latest_update_time);
  q = range(q, 'latest_scan_time', f.start_latest_scan_time, f.end_latest_scan_time);
  q = range(q, 'latest_sync_time', f.start_latest_sync_time, f.end_latest_sync_time);
  if (f.has_vul !== undefined) q = q.where('vul_num', f.has_vul ? '>' : '=', 0);
  if (f.has_malicious_file !== undefined) q = q.where('malicious_file_num', f.has_malicious_file ? '>' : '=', 0);
  if (f.has_unsafe_setting !== undefined) q = q.where('unsafe_setting_num', f.has_unsafe_setting ? '>' : '=', 0);
  if (f.risky !== undefined) {
    q = f.risky
      ? q.where((eb) =>
          eb.or([eb('vul_num', '>', 0), eb('malicious_file_num', '>', 0), eb('unsafe_setting_num', '>', 0)]),
        )
      : q.where('vul_num', '=', 0).where('malicious_file_num', '=', 0).where('unsafe_setting_num', '=', 0);
  }
  return q;
}

type ImagesQuery = ReturnType<typeof filtered>;
type TimeColumn = 'latest_update_time' | 'latest_scan_time' | 'latest_sync_time';

/** A time range; per the seed, a missing start means 0 and a missing end means now. */
function range(q: ImagesQuery, column: TimeColumn, start?: number, end?: number): ImagesQuery {
  if (start === undefined && end === undefined) return q;
  return q.where(column, '>=', start ?? 0).where(column, '<=', end ?? Date.now());
}

async function platformsOf(db: Kysely<Schema>, ids: number[]) {
  const out = new Map<number, Selectable<Schema['image_platforms']>[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('image_platforms')
    .selectAll()
    .where('image_row_id', 'in', ids)
    .orderBy('id')
    .execute();
  for (const r of rows) out.set(r.image_row_id, [...(out.get(r.image_row_id) ?? []), r]);
  return out;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

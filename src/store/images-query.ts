// ListRegistryImages (HSS seed 003): every documented filter, newest first by default, paged, sized for a
// million rows (bench/inventory.ts measures it). How it stays fast:
//   - filters map onto the indexes of migrations 001/002: name filters are prefix matches, times are ranges,
//     and the default order walks images_newest;
//   - `registry_id IN (…)` only when a registry-level filter (registry_name, image_type, instance_*) is given:
//     otherwise the images' own project columns select the same rows, and counts stay index-only;
//   - total_num is exact up to COUNT_CAP matching rows; above that it is the planner's estimate (at least
//     COUNT_CAP + 1), so a broad filter never costs a full count;
//   - deep pages (offset ≥ DEEP_OFFSET) walk the offset over ids alone, then read only the page's rows.
import { CompiledQuery, type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import { INSTANCE_NAME_SQL, instanceOf } from './registries.js';
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
  /** Row ids (not an HSS filter: the native API reads one image by its id through the same query). */
  ids?: number[];
  /**
   * Rows whose digest's last scan found this vulnerability, by its id or any alias (not an HSS filter: the
   * native API's "every image affected by CVE-X"): vulnerability_digests, read index-only (migration 009).
   */
  vulnerability?: string;
}

export type ImageListRow = Selectable<Schema['images']> & {
  registry_name: string;
  registry_type: string;
  instance_id: string | null;
  instance_name: string;
  instance_url: string;
  platforms: PlatformRow[];
  supply: SupplyChain;
};

/** What refers to a row's digest in its registry (referrer tags the crawl saw), and its signature check. */
export interface SupplyChain {
  signed: boolean;
  sbom: boolean;
  attestations: boolean;
  /** A signature verified by one of the project's trusted keys (signature_checks); null: never checked. */
  signature_verified: boolean | null;
}

/** A platform image of a multi-arch row, with its own scan result's summary when it has one. */
export type PlatformRow = Selectable<Schema['image_platforms']> & {
  scan: {
    status: string;
    stale: boolean;
    failed_code: string | null;
    vul_num: number;
    unsafe_setting_num: number;
    malicious_file_num: number;
    severity_level: string | null;
  } | null;
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

/** total_num is exact up to this many rows; above it, an estimate. */
export const COUNT_CAP = 10_000;
/** From this offset on, the page is found by id first. */
const DEEP_OFFSET = 1_000;
/** Up to this many matching rows (the count is exact there), the page is sorted out of all of them. */
const SMALL_TOTAL = 1_000;

export async function listImages(
  db: Kysely<Schema>,
  scope: Scope,
  f: ImageFilter,
): Promise<{ total: number; rows: ImageListRow[] }> {
  const registries = await matchingRegistries(db, scope, f);
  if (registries.size === 0) return { total: 0, rows: [] };
  const q = filtered(db, scope, f, hasRegistryFilter(f) ? [...registries.keys()] : undefined);
  const total = await cappedCount(db, q);
  const rows =
    f.offset >= DEEP_OFFSET
      ? await ordered(
          db
            .selectFrom('images')
            .selectAll('images')
            .where('id', 'in', ordered(q.select('id'), f).offset(f.offset).limit(f.limit)),
          f,
        ).execute()
      : total <= SMALL_TOTAL
        ? // ORDER BY … LIMIT over the filter would let the planner walk images_newest in the hope of meeting the
          // few matches early; with a misestimated filter (a name prefix can be 20× off either way at 1M rows) it
          // walks most of the index (~1 s). OFFSET 0 plans the filter on its own: all matches, then a small sort.
          await ordered(db.selectFrom(q.selectAll('images').offset(0).as('images')).selectAll(), f)
            .offset(f.offset)
            .limit(f.limit)
            .execute()
        : await ordered(q.selectAll('images'), f).offset(f.offset).limit(f.limit).execute();
  const platforms = await platformsOf(
    db,
    rows.map((r) => r.id),
  );
  const supply = await supplyChainOf(db, rows);
  return {
    total,
    rows: rows.map((r) => {
      const reg = registries.get(r.registry_id)!;
      return {
        ...r,
        registry_name: reg.registry_name,
        registry_type: reg.registry_type,
        instance_id: reg.instance_id,
        ...instanceOf(reg),
        platforms: platforms.get(r.id) ?? [],
        supply: supply(r),
      };
    }),
  };
}

type SupplyRowKey = { project_id: string; registry_id: string; image_digest: string };

/** Referrer kinds per (registry, subject digest) and signature checks per digest, for a page of rows. */
async function supplyChainOf(db: Kysely<Schema>, rows: SupplyRowKey[]) {
  const digests = [...new Set(rows.map((r) => r.image_digest))];
  const registries = [...new Set(rows.map((r) => r.registry_id))];
  const [referrers, checks] =
    digests.length === 0
      ? [[], []]
      : await Promise.all([
          db
            .selectFrom('images')
            .select(['registry_id', 'subject_digest', 'referrer_kinds'])
            .where('registry_id', 'in', registries)
            .where('subject_digest', 'in', digests)
            .execute(),
          // Only checks against the row's own project's keys count: another project's trust is not this one's.
          db
            .selectFrom('signature_checks as c')
            .innerJoin('trusted_keys as k', 'k.fingerprint', 'c.key_fingerprint')
            .select(['c.digest', 'c.verified', 'k.project_id'])
            .where('c.digest', 'in', digests)
            .execute(),
        ]);
  const kinds = new Map<string, Set<string>>();
  for (const r of referrers) {
    const key = `${r.registry_id} ${r.subject_digest}`;
    kinds.set(key, new Set([...(kinds.get(key) ?? []), ...(r.referrer_kinds ?? [])]));
  }
  const verified = new Map<string, boolean>();
  for (const c of checks) {
    const key = `${c.project_id} ${c.digest}`;
    verified.set(key, (verified.get(key) ?? false) || c.verified);
  }
  return (r: SupplyRowKey): SupplyChain => {
    const k = kinds.get(`${r.registry_id} ${r.image_digest}`) ?? new Set();
    return {
      signed: k.has('signature'),
      sbom: k.has('sbom'),
      attestations: k.has('attestation'),
      signature_verified: verified.get(`${r.project_id} ${r.image_digest}`) ?? null,
    };
  };
}

/**
 * Newest first (then id), or by latest_scan_time with sort_dir applying to the whole order and never-scanned
 * rows counting as the oldest scans, so that one index serves both directions.
 */
function ordered<DB extends Schema, O>(
  q: SelectQueryBuilder<DB, 'images', O>,
  f: ImageFilter,
): SelectQueryBuilder<DB, 'images', O> {
  if (f.sort_key !== 'latest_scan_time') return q.orderBy('latest_update_time', 'desc').orderBy('id', 'desc');
  const dir = f.sort_dir === 'desc' ? 'desc' : 'asc';
  return q
    .orderBy('latest_scan_time', (ob) => (dir === 'desc' ? ob.desc().nullsLast() : ob.asc().nullsFirst()))
    .orderBy('latest_update_time', dir)
    .orderBy('id', dir);
}

/** The filters that select registries rather than images. */
function hasRegistryFilter(f: ImageFilter): boolean {
  return !!(f.registry_name || f.instance_id || f.instance_name || f.image_type);
}

/** Exact up to COUNT_CAP; above it the planner's estimate for the same condition, at least COUNT_CAP + 1. */
async function cappedCount(db: Kysely<Schema>, q: ImagesQuery): Promise<number> {
  const matching = q.select(sql.lit(1).as('one'));
  const { n } = await db
    .selectFrom(matching.limit(COUNT_CAP + 1).as('capped'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(n) <= COUNT_CAP) return Number(n);
  const compiled = matching.compile();
  const plan = await db.executeQuery<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${compiled.sql}`, [...compiled.parameters]),
  );
  const estimate = plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0;
  return Math.max(COUNT_CAP + 1, Math.round(estimate));
}

/** Registries in scope that pass the registry-level filters (name, type, instance). */
async function matchingRegistries(db: Kysely<Schema>, scope: Scope, f: ImageFilter) {
  let q = db
    .selectFrom('registries')
    .select([
      'id',
      'registry_name',
      'registry_type',
      'instance_id',
      'instance_name',
      'instance_url',
      'protocol',
      'registry_addr',
    ])
    .where(inScope(scope, 'registries'));
  if (f.registry_name) q = q.where('registry_name', '=', f.registry_name);
  if (f.instance_id) q = q.where('instance_id', '=', f.instance_id);
  if (f.instance_name) q = q.where(INSTANCE_NAME_SQL, '=', f.instance_name);
  if (f.image_type) {
    const types = Object.entries(IMAGE_TYPE_OF_REGISTRY)
      .filter(([, t]) => t === f.image_type)
      .map(([r]) => r);
    if (types.length === 0) return new Map();
    q = q.where('registry_type', 'in', types);
  }
  return new Map((await q.execute()).map((r) => [r.id, r]));
}

function filtered(db: Kysely<Schema>, scope: Scope, f: ImageFilter, registryIds: string[] | undefined) {
  let q = db.selectFrom('images').where(inScope(scope, 'images'));
  if (registryIds) q = q.where('registry_id', 'in', registryIds);
  if (f.ids) q = q.where('images.id', 'in', f.ids.length ? f.ids : [-1]);
  if (f.namespace) q = q.where('namespace', '=', f.namespace);
  if (f.vulnerability) {
    const id = f.vulnerability;
    q = q.where(
      'image_digest',
      'in',
      db.selectFrom('vulnerability_digests').select('digest').where('vulnerability', '=', id),
    );
  }
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
  const out = new Map<number, PlatformRow[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('image_platforms')
    .selectAll()
    .where('image_row_id', 'in', ids)
    .orderBy('id')
    .execute();
  // Each platform image is scanned by its own digest: its result is its association_images entry's status.
  const digests = [...new Set(rows.map((r) => r.image_digest))];
  const results = digests.length
    ? await db
        .selectFrom('scan_results')
        .select([
          'digest',
          'status',
          'stale',
          'failed_code',
          'vul_num',
          'unsafe_setting_num',
          'malicious_file_num',
          'severity_level',
        ])
        .where('digest', 'in', digests)
        .execute()
    : [];
  const byDigest = new Map(results.map(({ digest, ...r }) => [digest, r]));
  for (const r of rows) {
    const scan = byDigest.get(r.image_digest) ?? null;
    out.set(r.image_row_id, [...(out.get(r.image_row_id) ?? []), { ...r, scan }]);
  }
  return out;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A digest to scan and one image row that names it (where to pull it from). */
export interface ScanTarget {
  image_digest: string;
  registry_id: string;
  namespace: string;
  image_name: string;
}

/**
 * The distinct digests of the rows matching `f` (CreateManualImageScanTask's query_info, or every row), each with
 * one row naming it, at most `max` of them (newest first).
 */
export async function scanTargets(
  db: Kysely<Schema>,
  scope: Scope,
  f: Omit<ImageFilter, 'offset' | 'limit'>,
  max: number,
): Promise<ScanTarget[]> {
  const registries = await matchingRegistries(db, scope, { ...f, offset: 0, limit: 0 });
  if (registries.size === 0) return [];
  const rows = await filtered(db, scope, { ...f, offset: 0, limit: 0 }, [...registries.keys()])
    .select(['image_digest', 'registry_id', 'namespace', 'image_name'])
    .where('scannable', '=', true)
    .distinctOn('image_digest')
    .orderBy('image_digest')
    .orderBy('latest_update_time', 'desc')
    .limit(max)
    .execute();
  return rows;
}

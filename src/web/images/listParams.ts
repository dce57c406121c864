// The Images page's state in the URL: every ListRegistryImages filter under its API name, page, page size and
// the "Last scanned" sort, so a view can be linked and Back restores it. Values are checked before they reach
// the API, so a hand-edited URL degrades to "no filter" rather than a 400.
import type { Query } from '../api/client';

export const TEXT_FILTERS = [
  'namespace',
  'image_name',
  'image_version',
  'registry_name',
  'instance_id',
  'instance_name',
] as const;
export const BOOL_FILTERS = [
  'has_vul',
  'has_malicious_file',
  'has_unsafe_setting',
  'risky',
  'latest_version',
  'is_multarch',
] as const;
export const TIME_RANGES = ['latest_update_time', 'latest_scan_time', 'latest_sync_time'] as const;

export const IMAGE_TYPES = ['private_image', 'shared_image', 'instance_image', 'harbor', 'jfrog', 'other'] as const;
export const SCAN_STATUSES = ['unscan', 'success', 'scanning', 'failed', 'waiting_for_scan'] as const;
export const SEVERITIES = ['High', 'Medium', 'Low', 'Security'] as const;
export const ENUM_FILTERS = {
  image_type: IMAGE_TYPES,
  scan_status: SCAN_STATUSES,
  severity_level: SEVERITIES,
} as const;

export type TimeRange = (typeof TIME_RANGES)[number];
export const startKey = (r: TimeRange) => `start_${r}` as const;
export const endKey = (r: TimeRange) => `end_${r}` as const;

export const PAGE_SIZES = [10, 20, 50, 100, 200];
const MAX_IMAGE_SIZE = 2_147_483_547;

export type SortDir = 'asc' | 'desc';

export interface ListView {
  page: number;
  size: number;
  sortDir?: SortDir;
  /** The filters, API-ready. */
  filters: Query;
}

const int = (v: string | null, min: number, max: number): number | undefined => {
  if (v === null || !/^\d{1,16}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
};

export function viewOf(params: URLSearchParams): ListView {
  const filters: Query = {};
  for (const k of TEXT_FILTERS) {
    const v = params.get(k)?.trim();
    if (v) filters[k] = v.slice(0, 128);
  }
  for (const k of BOOL_FILTERS) {
    const v = params.get(k);
    if (v === 'true' || v === 'false') filters[k] = v === 'true';
  }
  for (const [k, allowed] of Object.entries(ENUM_FILTERS)) {
    const v = params.get(k);
    if (v && (allowed as readonly string[]).includes(v)) filters[k] = v;
  }
  for (const r of TIME_RANGES) {
    const start = int(params.get(startKey(r)), 0, Number.MAX_SAFE_INTEGER);
    const end = int(params.get(endKey(r)), 0, Number.MAX_SAFE_INTEGER);
    if (start !== undefined && end !== undefined && start <= end) {
      filters[startKey(r)] = start;
      filters[endKey(r)] = end;
    }
  }
  const size = int(params.get('image_size'), 0, MAX_IMAGE_SIZE);
  if (size !== undefined) filters.image_size = size;
  const dir = params.get('sort_dir');
  return {
    page: int(params.get('page'), 1, 1_000_000) ?? 1,
    size: int(params.get('size'), 1, 200) ?? 20,
    sortDir: dir === 'asc' || dir === 'desc' ? dir : undefined,
    filters,
  };
}

/** The ListRegistryImages query of a view. */
export function apiQueryOf(view: ListView): Query {
  return {
    ...view.filters,
    offset: Math.min((view.page - 1) * view.size, 2_000_000),
    limit: view.size,
    ...(view.sortDir ? { sort_key: 'latest_scan_time', sort_dir: view.sortDir } : {}),
  };
}

/** The URL of a view: filters as given, paging and sort only where they differ from the defaults. */
export function paramsOf(filters: Query, page: number, size: number, sortDir?: SortDir): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  if (page > 1) params.set('page', String(page));
  if (size !== 20) params.set('size', String(size));
  if (sortDir) params.set('sort_dir', sortDir);
  return params;
}

/** Whether a filter behind "More filters" is set (then the panel opens by itself). */
export const MORE_FILTERS = new Set<string>([
  'image_type',
  'instance_id',
  'instance_name',
  'has_vul',
  'has_malicious_file',
  'has_unsafe_setting',
  'latest_version',
  'is_multarch',
  'image_size',
  ...TIME_RANGES.flatMap((r) => [startKey(r), endKey(r)]),
]);

// The ListRegistryImages requests bench/inventory.ts times: every documented filter of seed 003 that means
// something on an inventory (scan filters too), the two sort orders, deep offsets and common combinations.
// Filter values come from the generated data (a registry and a namespace of average size, the largest
// namespace), so the cases select comparable shares of the rows at any --rows.
import type { ImageFilter } from '../../src/store/images-query.js';
import { DAY_MS, type InventoryStats } from './inventory-data.js';
import { HOT_CVE } from './inventory-seed.js';

export interface BenchCase {
  id: string;
  title: string;
  filter: ImageFilter;
  /** Query every enterprise project (all_granted_eps) instead of the default one ('0'). */
  allEnterpriseProjects?: boolean;
}

/** Image-name prefixes that exist in the generated vocabulary. */
const NAME_PREFIX = 'payment-s';
/** Broader, for a registry of average size (1/60 of the names). */
const REGISTRY_NAME_PREFIX = 'payment-';
const NAME = 'payment-service';
const VERSION = '1.2.0';

export function inventoryCases(stats: InventoryStats, now: number): BenchCase[] {
  const reg = stats.sampleRegistry;
  const ns = stats.sampleNamespace;
  const last30d = { start_latest_update_time: now - 30 * DAY_MS, end_latest_update_time: now };
  const yearAgo = { start_latest_update_time: now - 395 * DAY_MS, end_latest_update_time: now - 365 * DAY_MS };
  const high = { scan_status: 'success', severity_level: 'High' };
  const deep = Math.max(0, stats.rows - 10);
  const list: [string, string, Partial<ImageFilter>, boolean?][] = [
    ['none', 'no filter (newest first)', {}],
    ['none-200', 'no filter, limit 200', { limit: 200 }],
    ['none-all-eps', 'no filter, enterprise_project_id=all_granted_eps', {}, true],
    ['registry', `registry_name=${reg}`, { registry_name: reg }],
    ['image-type', 'image_type=harbor (5 registries)', { image_type: 'harbor' }],
    ['instance', 'instance_id=instance-1 (2 registries)', { instance_id: 'instance-1' }],
    ['namespace', `namespace=${ns} (average size)`, { namespace: ns }],
    ['namespace-big', `namespace=${stats.bigNamespace} (largest)`, { namespace: stats.bigNamespace }],
    ['name-prefix', `image_name=${NAME_PREFIX} (prefix)`, { image_name: NAME_PREFIX }],
    ['name-version', `image_name=${NAME} + image_version=${VERSION}`, { image_name: NAME, image_version: VERSION }],
    ['version', `image_version=${VERSION}`, { image_version: VERSION }],
    ['latest', 'latest_version=true', { latest_version: true }],
    ['multiarch', 'is_multarch=true', { is_multarch: true }],
    ['size', 'image_size>=500 MB', { image_size: 500_000_000 }],
    ['updated-30d', 'latest_update_time: last 30 days', last30d],
    ['updated-1y-ago', 'latest_update_time: 30 days, a year ago', yearAgo],
    ['synced-1d', 'latest_sync_time: last day (all rows)', { start_latest_sync_time: now - DAY_MS }],
    ['scan-high', 'scan_status=success + severity_level=High', high],
    ['has-vul', 'has_vul=true', { has_vul: true }],
    ['risky', 'risky=true', { risky: true }],
    ['malicious', 'has_malicious_file=true', { has_malicious_file: true }],
    ['scanned-30d', 'latest_scan_time: last 30 days', { start_latest_scan_time: now - 30 * DAY_MS }],
    ['sort-scan-desc', 'sort_key=latest_scan_time desc', { sort_key: 'latest_scan_time', sort_dir: 'desc' }],
    ['sort-scan-asc', 'sort_key=latest_scan_time asc', { sort_key: 'latest_scan_time', sort_dir: 'asc' }],
    ['offset-100k', 'no filter, offset 100,000', { offset: 100_000 }],
    ['offset-deep', `no filter, offset ${deep.toLocaleString('en-US')}`, { offset: deep }],
    [
      'registry+prefix',
      `registry_name + image_name=${REGISTRY_NAME_PREFIX}`,
      { registry_name: reg, image_name: REGISTRY_NAME_PREFIX },
    ],
    ['registry+latest', 'registry_name + latest_version', { registry_name: reg, latest_version: true }],
    ['registry+30d', 'registry_name + last 30 days', { registry_name: reg, ...last30d }],
    ['namespace+latest', 'namespace + latest_version', { namespace: ns, latest_version: true }],
    ['latest+high', 'latest_version + success/High', { latest_version: true, ...high }],
    [
      'high+sort-scan',
      'success/High, sort_key=latest_scan_time desc',
      { ...high, sort_key: 'latest_scan_time', sort_dir: 'desc' },
    ],
    ['latest+risky+30d', 'latest_version + risky + last 30 days', { latest_version: true, risky: true, ...last30d }],
    ['registry+scan-high', 'registry_name + success/High', { registry_name: reg, ...high }],
    // GET /api/v1/images?vulnerability=: every image whose digest has the finding (inventory-seed.ts seedFindings).
    ['cve-narrow', 'vulnerability=CVE-2024-00042 (~1 in 20,000 CVEs)', { vulnerability: 'CVE-2024-00042' }],
    ['cve-hot', `vulnerability=${HOT_CVE} (every High image)`, { vulnerability: HOT_CVE }],
    ['cve+registry', `vulnerability=${HOT_CVE} + registry_name`, { vulnerability: HOT_CVE, registry_name: reg }],
  ];
  return list.map(([id, title, filter, all]) => ({
    id,
    title,
    filter: { offset: 0, limit: 10, ...filter },
    ...(all ? { allEnterpriseProjects: true } : {}),
  }));
}

// The shapes the console reads, as the server's facades answer them (HSS seeds, native API views).

export interface Page<T> {
  total_num: number;
  data_list: T[];
}

/** HSS RegistryInfo (ListRegistry). */
export interface Registry {
  id: string;
  registry_name: string;
  registry_type: string;
  api_version?: string;
  protocol: string;
  registry_addr: string;
  registry_username?: string;
  namespace?: string;
  status: 'success' | 'fail' | 'accessing';
  fail_reason?: string;
  fail_detail?: string;
  images_num: number;
  latest_sync_time?: number;
  region_id?: string;
  instance_id?: string;
}

export interface Platform {
  id: number;
  image_digest: string;
  os: string;
  architecture: string;
  variant?: string;
  image_size: number;
}

/** HSS RegistryImagesInfo (ListRegistryImages). */
export interface ImageRow {
  id: number;
  namespace: string;
  image_name: string;
  image_id: string;
  image_digest: string;
  image_version: string;
  image_type: string;
  registry_id: string;
  registry_name: string;
  registry_type: string;
  latest_version: boolean;
  scan_status: 'unscan' | 'success' | 'scanning' | 'failed' | 'waiting_for_scan';
  scan_failed_desc?: string;
  scan_failed_code?: string;
  image_size: number;
  latest_update_time: number;
  latest_scan_time?: number;
  latest_sync_time: number;
  vul_num: number;
  unsafe_setting_num: number;
  malicious_file_num: number;
  is_multiple_arch: boolean;
  severity_level?: Severity;
  association_images?: Platform[];
}

export type Severity = 'Security' | 'Low' | 'Medium' | 'High';

export type TaskStatus = 'PENDING' | 'SYNCHRONIZING' | 'SUCCESS' | 'ERROR' | 'CANCELED';

export interface LayerProgress {
  digest: string;
  size: number;
  synced: number;
}

/** A sync task (native API taskView). */
export interface SyncTask {
  id: string;
  task_id: string;
  batch_id: string;
  rule_id: string | null;
  trigger: string;
  status: TaskStatus;
  issue: string | null;
  issue_description: string | null;
  issue_detail: string | null;
  retrying: string | null;
  attempts: number;
  source: { registry_id: string; namespace: string; repository: string; tag: string; digest: string | null };
  target: { registry_id: string; namespace: string; repository: string; tag: string };
  override: boolean;
  platforms: string[] | null;
  total_size: number;
  synced_size: number;
  layers: LayerProgress[];
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** A sync rule (native API ruleView). */
export interface SyncRule {
  id: string;
  rule_id: string;
  name: string;
  trigger: 'PASSIVE' | 'INITIATIVE';
  override: boolean;
  source: {
    registry_id: string;
    namespace: string;
    repository: string | null;
    repository_filter: string | null;
    tag_filter: string;
    tag_semver: string | null;
    platforms: string[] | null;
  };
  target: { registry_id: string; namespace: string; repository: string | null; tag_rename: string | null };
  created_by: string;
  created_at: string;
  updated_at: string;
}

/** GET /api/v1/overview. */
export interface Overview {
  registries: Record<string, number>;
  images: Record<string, number>;
  tasks: Record<string, number>;
  failures: SyncTask[];
  oldest_sync: number | null;
  newest_sync: number | null;
  never_synced: number;
}

/** GET|PUT /api/v1/settings. */
export interface Settings {
  /** In force for the caller's project: its own choice, else the server's. */
  scan_on_sync: boolean;
  server: { scan_on_sync: boolean };
  project: { scan_on_sync: boolean | null };
  vulndb: string | null;
  scanner_adapter: string | null;
  webhook: boolean;
  poll_interval_seconds: number | null;
  schedules: { inventory: string; scan: string; health: string; vulndb: string | null };
  vulndb_stale_hours: number;
}

/** GET /api/v1/vulndb: the scan data's feeds, counts, age and last errors. */
export interface VulndbStatus {
  dir: string | null;
  generation: string | null;
  /** The data version results are recorded with (once a worker of this process loaded it). */
  version: string | null;
  updated_at: string | null;
  checked_at: string | null;
  hand_placed_at: string | null;
  age_seconds: number | null;
  stale: boolean;
  stale_after_hours: number;
  schedule: string | null;
  feeds: Array<{
    name: string;
    kind: 'osv' | 'malware' | 'rules';
    records: number;
    updated_at: string;
    checked_at: string;
    age_seconds: number;
    error: { code: string; message: string; at: string } | null;
  }>;
}

/** GET /api/v1/batches: a batch with its tasks counted by status. */
export interface SyncBatch {
  id: string;
  rule_id: string | null;
  trigger: 'PASSIVE' | 'INITIATIVE';
  origin: string;
  created_by: string;
  created_at: string;
  /** SELECTING while a rule run lists its images in the background; FAILED when it could not (see the detail). */
  selection: 'SELECTING' | 'SELECTED' | 'FAILED';
  selection_detail: string | null;
  tasks: number;
  by_status: Record<TaskStatus, number>;
  total_size: number;
  synced_size: number;
  finished_at: string | null;
}

// The HSS scan shapes the Scans page reads and sends: ListImageScanTask rows (type=image_scan) and
// CreateManualImageScanTask's body (every image, or ListRegistryImages filters as query_info).

/** ImageScanTaskInfo, as GET /v5/{project}/image/tasks?type=image_scan answers it. */
export interface ScanTask {
  task_id: string;
  task_name: string;
  /** manual (asked for), autoSync (after an inventory sync), cycle (the daily re-scan). */
  task_type: string;
  image_type: string;
  task_status: 'running' | 'finished' | 'stopped';
  is_all: boolean;
  begin_time: number;
  end_time?: number;
  total_num: number;
  success_num: number;
  failed_num: number;
  failed_images: Array<{ image_digest: string; failed_reason: string }>;
}

export interface ScanQueryInfo {
  namespace?: string;
  image_name?: string;
  image_version?: string;
  registry_name?: string;
}

export type CreateScanBody = { is_all: true } | { query_info: ScanQueryInfo };

export const SCAN_TASK_TYPES: Record<string, string> = {
  manual: 'Manual',
  autoSync: 'After inventory sync',
  cycle: 'Daily re-scan',
};

/** The seed's scan_failed_desc codes, in words. */
export const SCAN_FAILURES: Record<string, string> = {
  unknown_error: 'Unknown error.',
  authentication_failed: 'Authentication failed.',
  download_failed: 'The image download failed.',
  image_over_sized: 'The image is too large and cannot be scanned.',
  get_detail_info_not_found: 'The image is not found in the repository.',
  image_layer_over_sized: 'An image layer is too large and cannot be scanned.',
  schema_v1_not_support: 'Schema V1 images cannot be scanned.',
  failed_to_scan_vulnerability: 'The vulnerability scan failed (is there an advisory database?).',
  failed_to_scan_file: 'The file scan failed.',
  failed_to_scan_software: 'The software scan failed.',
  failed_to_check_sensitive_information: 'Failed to check sensitive information.',
  failed_to_check_baseline: 'Baseline check failed.',
};

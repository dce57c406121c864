-- Indexes for ListRegistryImages at a million rows, measured by bench/inventory.ts (with the capped count, the
-- registry condition only for registry-level filters, the scan-time order with NULLS LAST/FIRST and id-first
-- deep pages of src/store/images-query.ts).
-- * Every list index carries enterprise_project_id (INCLUDE): the default scope filters on it, and with it counts
--   and deep offsets are index-only scans instead of one heap visit per row.
-- * images_scan ends in latest_scan_time DESC NULLS LAST, latest_update_time DESC, id DESC: the scan-time order
--   read forwards (desc) or backwards (asc).
-- * New: images_scan_time (sort_key=latest_scan_time, scan-time ranges), images_registry (registry-level filters
--   in the default order), images_version, images_size, images_risky (partial: risky, has_vul, has_*).
-- * images_scan_stats: scan_status, severity_level and latest_version are correlated (a severity only exists for
--   status success); without it the planner's estimate for success+High was 80 % low.
-- * inventory_task_registries(registry_id): deleting a registry cascades into it.
DROP INDEX images_newest;
DROP INDEX images_latest;
DROP INDEX images_name;
DROP INDEX images_namespace;
DROP INDEX images_scan;

CREATE INDEX images_newest ON images (project_id, latest_update_time DESC, id DESC)
  INCLUDE (enterprise_project_id);
CREATE INDEX images_latest ON images (project_id, latest_update_time DESC, id DESC)
  INCLUDE (enterprise_project_id) WHERE latest_version;
CREATE INDEX images_name ON images (project_id, image_name text_pattern_ops)
  INCLUDE (enterprise_project_id);
CREATE INDEX images_namespace ON images (project_id, namespace, image_name)
  INCLUDE (enterprise_project_id);
CREATE INDEX images_scan ON images
  (project_id, scan_status, severity_level, latest_scan_time DESC NULLS LAST, latest_update_time DESC, id DESC)
  INCLUDE (enterprise_project_id, latest_version);
CREATE INDEX images_scan_time ON images (project_id, latest_scan_time DESC NULLS LAST, latest_update_time DESC, id DESC)
  INCLUDE (enterprise_project_id);
CREATE INDEX images_registry ON images (project_id, registry_id, latest_update_time DESC, id DESC)
  INCLUDE (enterprise_project_id, latest_version);
CREATE INDEX images_version ON images (project_id, image_version);
CREATE INDEX images_size ON images (project_id, image_size);
CREATE INDEX images_risky ON images (project_id, latest_update_time DESC, id DESC)
  INCLUDE (enterprise_project_id, latest_version, vul_num, malicious_file_num, unsafe_setting_num)
  WHERE vul_num > 0 OR malicious_file_num > 0 OR unsafe_setting_num > 0;

CREATE STATISTICS images_scan_stats (mcv) ON scan_status, severity_level, latest_version FROM images;

CREATE INDEX inventory_task_registries_registry ON inventory_task_registries (registry_id);

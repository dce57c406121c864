-- ListRegistryImages, follow-up to 002 (measured by bench/inventory.ts at 1M rows).
-- * has_malicious_file=true matches few rows (~0.2 %): without an index of its own, its count scanned the whole
--   of images_risky (≈220k entries at 1M rows, 30–60 ms on PostgreSQL 15). This one holds only those rows.
-- * ANALYZE: CREATE STATISTICS (images_scan_stats, 002) collects nothing until the next ANALYZE, and PGlite has no
--   autovacuum; until then the estimates used for total_num above the cap stay as wrong as before.
CREATE INDEX images_malicious ON images (project_id, latest_update_time DESC, id DESC)
  INCLUDE (enterprise_project_id) WHERE malicious_file_num > 0;
ANALYZE images;

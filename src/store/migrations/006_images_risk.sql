-- The console dashboard's "images by risk" (store/overview.ts) groups every image row of a project by
-- severity_level. Without an index that holds the column it read the whole table: p50 246 ms / p99 375 ms at
-- 1M rows on PostgreSQL 15 (bench/inventory.ts); with this one it is an index-only scan, p50 148 ms / p99 189 ms.
CREATE INDEX images_risk ON images (project_id, enterprise_project_id, severity_level);
ANALYZE images;

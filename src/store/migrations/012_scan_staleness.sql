-- Scan summaries mean a completed scan (issue 17): a failed scan of a digest that had a completed result keeps that
-- result visible and marks it stale (scan_results.stale, images.scan_stale) instead of replacing it; one of a
-- digest never scanned to the end leaves no severity_level and zero counts. Rows written before by failed scans
-- lose the partial summary they were given.
ALTER TABLE scan_results ADD COLUMN stale boolean NOT NULL DEFAULT false;
ALTER TABLE images ADD COLUMN scan_stale boolean NOT NULL DEFAULT false;
UPDATE scan_results SET severity_level = NULL WHERE status = 'failed';
UPDATE images SET severity_level = NULL, vul_num = 0, malicious_file_num = 0, unsafe_setting_num = 0
WHERE scan_status = 'failed';

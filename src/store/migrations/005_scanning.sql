-- Scanning: results per digest (shared by every tag and registry holding that digest, across projects: they say
-- what the bytes contain), and HSS image-scan tasks with the digests each one covers.

CREATE TABLE scan_results (
  -- The digest an image row names (a tag's manifest or index).
  digest text PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('success', 'failed')),
  -- The seed's scan_failed_desc code (003), and a one-line detail.
  failed_code text,
  failed_detail text,
  -- The advisory database the findings were matched against: another version means re-evaluate.
  db_version text NOT NULL,
  -- The platform image actually read (for an index: its linux/amd64 entry, else its first).
  scanned_digest text,
  os text,
  vul_num integer NOT NULL DEFAULT 0,
  malicious_file_num integer NOT NULL DEFAULT 0,
  unsafe_setting_num integer NOT NULL DEFAULT 0,
  sensitive_file_num integer NOT NULL DEFAULT 0,
  severity_level text,
  vulnerabilities jsonb NOT NULL DEFAULT '[]',
  malicious_files jsonb NOT NULL DEFAULT '[]',
  unsafe_settings jsonb NOT NULL DEFAULT '[]',
  sensitive_files jsonb NOT NULL DEFAULT '[]',
  packages jsonb NOT NULL DEFAULT '[]',
  duration_ms integer NOT NULL DEFAULT 0,
  scanned_at timestamptz NOT NULL DEFAULT now()
);

-- HSS image-scan tasks (ListImageScanTask with type=image_scan).
CREATE TABLE scan_tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  enterprise_project_id text NOT NULL DEFAULT '0',
  -- manual (an API call), autoSync (after an inventory sync), cycle (the schedule).
  task_type text NOT NULL DEFAULT 'manual',
  task_status text NOT NULL DEFAULT 'running' CHECK (task_status IN ('running', 'finished', 'stopped')),
  is_all boolean NOT NULL DEFAULT false,
  begin_time bigint NOT NULL,
  end_time bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scan_tasks_project ON scan_tasks (project_id, begin_time DESC);

CREATE TABLE scan_task_digests (
  task_id uuid NOT NULL REFERENCES scan_tasks (id) ON DELETE CASCADE,
  digest text NOT NULL,
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'scanning', 'success', 'failed', 'stopped')),
  failed_code text,
  PRIMARY KEY (task_id, digest)
);
CREATE INDEX scan_task_digests_digest ON scan_task_digests (digest) WHERE status IN ('waiting', 'scanning');

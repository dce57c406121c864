-- Regatta's first schema: projects and their identities, connected registries, the image inventory and
-- inventory sync tasks. PostgreSQL dialect; runs unchanged on PGlite (PostgreSQL 17/18) and PostgreSQL ≥ 15.
-- Every row a user can see belongs to a project (project_id) and an enterprise project (enterprise_project_id,
-- '0' = default), and the store filters on both in every query.

CREATE TABLE projects (
  id text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Callers: an X-Auth-Token (stored as its SHA-256) and/or an AK/SK pair (the SK encrypted, AES-256-GCM: the
-- signature check needs the SK itself).
CREATE TABLE identities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name text NOT NULL,
  token_sha256 text UNIQUE,
  access_key text UNIQUE,
  secret_key_enc text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- HSS RegistryInfo, plus Regatta's region_id / instance_id (SWR remoteRegionId, ACR InstanceId).
CREATE TABLE registries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  enterprise_project_id text NOT NULL DEFAULT '0',
  registry_name text NOT NULL,
  registry_type text NOT NULL,
  api_version text NOT NULL DEFAULT 'V2',
  protocol text NOT NULL DEFAULT 'https',
  registry_addr text NOT NULL,
  registry_username text,
  password_enc text,
  namespace text,
  connect_cluster_id text,
  get_scan_image_channel text,
  region_id text,
  instance_id text,
  status text NOT NULL DEFAULT 'accessing',
  fail_reason text,
  fail_detail text,
  images_num integer NOT NULL DEFAULT 0,
  latest_sync_time bigint,
  checked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, registry_name)
);
CREATE INDEX registries_project ON registries (project_id, enterprise_project_id, created_at DESC);

-- HSS RegistryImagesInfo: one row per tag. Scan columns stay 'unscan' until the scanner fills them.
CREATE TABLE images (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id text NOT NULL,
  enterprise_project_id text NOT NULL DEFAULT '0',
  registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
  namespace text NOT NULL,
  image_name text NOT NULL,
  image_version text NOT NULL,
  image_digest text NOT NULL,
  -- Docker's image id: the config digest's hex for an image, the index digest's hex for a multi-arch tag.
  image_id text NOT NULL,
  media_type text NOT NULL,
  image_size bigint NOT NULL DEFAULT 0,
  is_multiple_arch boolean NOT NULL DEFAULT false,
  latest_version boolean NOT NULL DEFAULT false,
  latest_update_time bigint NOT NULL DEFAULT 0,
  latest_sync_time bigint NOT NULL DEFAULT 0,
  scan_status text NOT NULL DEFAULT 'unscan',
  scan_failed_code text,
  latest_scan_time bigint,
  vul_num integer NOT NULL DEFAULT 0,
  unsafe_setting_num integer NOT NULL DEFAULT 0,
  malicious_file_num integer NOT NULL DEFAULT 0,
  severity_level text,
  UNIQUE (registry_id, namespace, image_name, image_version)
);
-- Indexes serving ListRegistryImages' filters and its default order (newest first, then id).
CREATE INDEX images_newest ON images (project_id, latest_update_time DESC, id DESC);
CREATE INDEX images_name ON images (project_id, image_name text_pattern_ops);
CREATE INDEX images_namespace ON images (project_id, namespace, image_name);
CREATE INDEX images_latest ON images (project_id, latest_update_time DESC, id DESC) WHERE latest_version;
CREATE INDEX images_scan ON images (project_id, scan_status, severity_level, latest_scan_time DESC, id DESC);
CREATE INDEX images_digest ON images (image_digest);

-- association_images: the platform images of a multi-arch tag.
CREATE TABLE image_platforms (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  image_row_id bigint NOT NULL REFERENCES images (id) ON DELETE CASCADE,
  image_digest text NOT NULL,
  image_id text NOT NULL,
  os text NOT NULL,
  architecture text NOT NULL,
  variant text,
  image_size bigint NOT NULL DEFAULT 0
);
CREATE INDEX image_platforms_image ON image_platforms (image_row_id);

-- Inventory sync tasks (HSS ListImageScanTask with type=image_sync) and their registries (seed 000).
CREATE TABLE inventory_tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  enterprise_project_id text NOT NULL DEFAULT '0',
  task_type text NOT NULL DEFAULT 'manualSync',
  task_status text NOT NULL DEFAULT 'running',
  begin_time bigint NOT NULL,
  end_time bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inventory_tasks_project ON inventory_tasks (project_id, begin_time DESC);

CREATE TABLE inventory_task_registries (
  task_id uuid NOT NULL REFERENCES inventory_tasks (id) ON DELETE CASCADE,
  registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
  sync_status text NOT NULL DEFAULT 'running',
  failed_reason text,
  images_seen integer NOT NULL DEFAULT 0,
  started_at bigint,
  finished_at bigint,
  PRIMARY KEY (task_id, registry_id)
);

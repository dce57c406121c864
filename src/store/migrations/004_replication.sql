-- Replication: sync rules (one concept behind SWR sync_repo, ACR sync rules and the native API), batches (one
-- trigger's tasks: ACR SyncBatchTaskId) and tasks (one image each: ACR SyncTask, SWR SyncJob), plus the nonces
-- of signed Alibaba requests (replay protection shared by every API process).

CREATE TABLE sync_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- SWR SyncRepo.id is an integer.
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  -- ACR SyncRuleId, 'crsr-' + 16 random base36 characters.
  rule_id text NOT NULL UNIQUE,
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  enterprise_project_id text NOT NULL DEFAULT '0',
  name text NOT NULL,
  source_registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
  source_namespace text NOT NULL,
  -- NULL: every repository of the namespace (ACR SyncScope NAMESPACE), optionally those matching repository_filter.
  source_repository text,
  repository_filter text,
  -- A regular expression a tag must match in full; tag_semver, a semver range it must also satisfy.
  tag_filter text NOT NULL DEFAULT '.*',
  tag_semver text,
  -- ["linux/amd64", …]; NULL: every platform (the whole index).
  platforms jsonb,
  target_registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
  target_namespace text NOT NULL,
  -- NULL: the source repository's name.
  target_repository text,
  -- A template for the target tag, `{tag}` standing for the source tag; NULL: the same tag.
  tag_rename text,
  sync_trigger text NOT NULL CHECK (sync_trigger IN ('PASSIVE', 'INITIATIVE')),
  override boolean NOT NULL DEFAULT false,
  created_by text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_rules_source ON sync_rules (source_registry_id, source_namespace);
CREATE INDEX sync_rules_project ON sync_rules (project_id, created_at DESC);

CREATE TABLE sync_batches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  enterprise_project_id text NOT NULL DEFAULT '0',
  sync_trigger text NOT NULL CHECK (sync_trigger IN ('PASSIVE', 'INITIATIVE')),
  -- What fired it: 'event', 'poll', 'swr', 'acr', 'api', 'cli'.
  origin text NOT NULL,
  created_by text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_batches_project ON sync_batches (project_id, created_at DESC);

CREATE TABLE sync_tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- SWR SyncJob.id is an integer.
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  -- ACR SyncTaskId, 'rst-' + 16 random base36 characters.
  task_id text NOT NULL UNIQUE,
  batch_id uuid NOT NULL REFERENCES sync_batches (id) ON DELETE CASCADE,
  rule_id uuid REFERENCES sync_rules (id) ON DELETE SET NULL,
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  enterprise_project_id text NOT NULL DEFAULT '0',
  sync_trigger text NOT NULL,
  source_registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
  source_namespace text NOT NULL,
  source_repository text NOT NULL,
  source_tag text NOT NULL,
  target_registry_id uuid NOT NULL REFERENCES registries (id) ON DELETE CASCADE,
  target_namespace text NOT NULL,
  target_repository text NOT NULL,
  target_tag text NOT NULL,
  override boolean NOT NULL DEFAULT false,
  platforms jsonb,
  -- PENDING → SYNCHRONIZING → SUCCESS | ERROR | CANCELED (ACR TaskStatus).
  status text NOT NULL DEFAULT 'PENDING'
    CHECK (status IN ('PENDING', 'SYNCHRONIZING', 'SUCCESS', 'ERROR', 'CANCELED')),
  -- ACR TaskIssue (seed 002 codes and Regatta's finer ones, see replication/task-issue.ts) and a one-line detail.
  issue text,
  issue_detail text,
  -- Set while a transient fault is being retried: shown, not yet a failure.
  retrying text,
  attempts integer NOT NULL DEFAULT 0,
  source_digest text,
  total_size bigint NOT NULL DEFAULT 0,
  synced_size bigint NOT NULL DEFAULT 0,
  -- ACR LayerTasks: [{"digest", "size", "synced", "status"}].
  layers jsonb NOT NULL DEFAULT '[]',
  created_by text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX sync_tasks_project ON sync_tasks (project_id, created_at DESC, seq DESC);
CREATE INDEX sync_tasks_batch ON sync_tasks (batch_id);
CREATE INDEX sync_tasks_source ON sync_tasks (source_registry_id, source_namespace, source_repository, source_tag);
CREATE INDEX sync_tasks_open ON sync_tasks (status) WHERE status IN ('PENDING', 'SYNCHRONIZING');

CREATE TABLE request_nonces (
  access_key text NOT NULL,
  nonce text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (access_key, nonce)
);
CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);

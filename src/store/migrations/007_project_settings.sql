-- Per-project policies set from the console or the API (PUT /api/v1/settings). A NULL column means "the server's
-- default" (its environment: REGATTA_SCAN_ON_SYNC), so a project that never chose follows the server.
CREATE TABLE project_settings (
  project_id text PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
  scan_on_sync boolean,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

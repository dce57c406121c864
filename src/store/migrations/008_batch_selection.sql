-- A rule run answers at once and selects its images in the background (issue 18: an API call records intent,
-- enqueues and returns): the batch remembers what it was asked (rule, tags, filter, override) and where its
-- selection stands. SELECTING until the expand job has recorded the tasks; FAILED when the source could not be
-- listed (the detail says why). Batches made with their tasks known (a push, an image list) start SELECTED.
ALTER TABLE sync_batches
  ADD COLUMN rule_id uuid REFERENCES sync_rules (id) ON DELETE SET NULL,
  ADD COLUMN selection text NOT NULL DEFAULT 'SELECTED' CHECK (selection IN ('SELECTING', 'SELECTED', 'FAILED')),
  ADD COLUMN selection_request jsonb,
  ADD COLUMN selection_detail text;

CREATE INDEX sync_batches_selecting ON sync_batches (created_at) WHERE selection = 'SELECTING';

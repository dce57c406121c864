-- Supply chain (issue 15): referrers travel with their images, signatures are verified against trusted keys,
-- rules gate replication, and may propagate deletions.
--
-- A rule copies an image's referrers (signatures, SBOMs, attestations) after it (default on); `gates` holds its
-- policy (null: none), `mirror_deletes` whether tags gone from the source are deleted at the target (off).
ALTER TABLE sync_rules ADD COLUMN referrers boolean NOT NULL DEFAULT true;
ALTER TABLE sync_rules ADD COLUMN gates jsonb;
ALTER TABLE sync_rules ADD COLUMN mirror_deletes boolean NOT NULL DEFAULT false;

-- When a rule run's deletion propagation was claimed (once per batch, whichever worker ends its last task).
ALTER TABLE sync_batches ADD COLUMN mirror_deletes_at timestamptz;

-- A task's source repository's referrer-schema tags as its selection saw them (null: unknown, list them).
ALTER TABLE sync_tasks ADD COLUMN referrers boolean NOT NULL DEFAULT false;
ALTER TABLE sync_tasks ADD COLUMN referrer_tags jsonb;
-- Tasks a gate blocked, found again by source digest when their reason may have gone away (a scan ended).
CREATE INDEX sync_tasks_blocked ON sync_tasks (source_digest) WHERE status = 'ERROR' AND issue = 'POLICY_BLOCKED';

-- An image row that is a referrer (a `sha256-<hex>[.sig|.att|.sbom]` tag): the digest it refers to and what it
-- holds (signature, sbom, attestation, other), so its subject's rows can say signed / SBOM without a registry call.
ALTER TABLE images ADD COLUMN subject_digest text;
ALTER TABLE images ADD COLUMN referrer_kinds jsonb;
CREATE INDEX images_subject ON images (registry_id, subject_digest) WHERE subject_digest IS NOT NULL;

-- Public keys a project trusts for cosign signatures (PEM, SubjectPublicKeyInfo); fingerprint: SHA-256 of the DER.
CREATE TABLE trusted_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name text NOT NULL,
  public_key_pem text NOT NULL,
  fingerprint text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project_id, name)
);

-- The latest verification of a digest's signatures against one key: verified when one signature found in
-- registry_id/repository checks out. Kept beside scan_results, per digest.
CREATE TABLE signature_checks (
  digest text NOT NULL,
  key_fingerprint text NOT NULL,
  verified boolean NOT NULL,
  signatures integer NOT NULL DEFAULT 0,
  detail text,
  registry_id uuid,
  repository text,
  checked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (digest, key_fingerprint)
);

-- Identity and access (issue 12): projects get a human name; callers become principals (people and service
-- accounts) with a role per project (memberships), each holding any number of credentials (API tokens, console
-- sessions, AK/SK pairs) that carry a name, an expiry, a last-used time and a revocation time. Every
-- state-changing request lands in audit_log, which the application only appends to.
-- The old identities move over: each becomes a service account (its project's admin) holding its token and key
-- pair as credentials, under the same id (SWR's syncOperatorId keeps naming it); the bootstrap admin becomes the
-- installation's first superadmin, a person.

ALTER TABLE projects ADD COLUMN name text;
UPDATE projects SET name = id;
ALTER TABLE projects ALTER COLUMN name SET NOT NULL;
CREATE UNIQUE INDEX projects_name ON projects (name);

CREATE TABLE principals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('user', 'service')),
  name text NOT NULL,
  -- A service account lives in one project and goes with it; a person is server-wide.
  owner_project_id text REFERENCES projects (id) ON DELETE CASCADE,
  -- scrypt$N$r$p$salt$hash (node:crypto), for password sign-in; null: no password (SSO or machine only).
  password_hash text,
  superadmin boolean NOT NULL DEFAULT false,
  -- `issuer subject` of a person who signed in through OpenID Connect.
  oidc_subject text UNIQUE,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'service') = (owner_project_id IS NOT NULL))
);
-- People are unique by name; service accounts by name within their project.
CREATE UNIQUE INDEX principals_name ON principals (COALESCE(owner_project_id, ''), name);

CREATE TABLE memberships (
  project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  principal_id uuid NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  -- 'oidc': derived from the identity provider's group claim at the last sign-in (replaced at the next one).
  source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'oidc')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, principal_id)
);
CREATE INDEX memberships_principal ON memberships (principal_id);

CREATE TABLE credentials (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  principal_id uuid NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('token', 'session', 'access_key')),
  name text NOT NULL,
  -- The one project the credential acts in; null: any project of its principal (chosen per request).
  project_id text REFERENCES projects (id) ON DELETE CASCADE,
  -- Tokens and sessions: the SHA-256 of the secret (shown once). Access keys: the AK and the SK encrypted
  -- (AES-256-GCM, SecretBox): verifying a signature needs the SK itself.
  token_sha256 text UNIQUE,
  access_key text UNIQUE,
  secret_key_enc text,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'access_key') = (access_key IS NOT NULL AND secret_key_enc IS NOT NULL)),
  CHECK ((kind = 'access_key') = (token_sha256 IS NULL))
);
CREATE INDEX credentials_principal ON credentials (principal_id, created_at DESC);
CREATE INDEX credentials_project ON credentials (project_id, created_at DESC);

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  principal_id uuid,
  principal_name text,
  credential_id uuid,
  project_id text,
  -- hss, swr, acr, native, iam, scanner-adapter
  family text NOT NULL,
  -- `METHOD /route/{param}`, or an ACR Action.
  action text NOT NULL,
  -- What the call named (the path with its parameters; an ACR call's repository or rule).
  target text NOT NULL,
  status integer NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied', 'unauthenticated')),
  request_id text NOT NULL,
  source text NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_project ON audit_log (project_id, at DESC, id DESC);

-- Append-only: no UPDATE ever; DELETE only from the retention sweep, which sets regatta.audit_prune in its own
-- transaction (store/audit.ts).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('regatta.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- The old identities, moved.
INSERT INTO principals (id, kind, name, owner_project_id, superadmin)
SELECT id, 'service', name, project_id, false FROM identities WHERE name <> 'bootstrap-admin';
INSERT INTO memberships (project_id, principal_id, role)
SELECT project_id, id, 'admin' FROM identities WHERE name <> 'bootstrap-admin';
-- The bootstrap admin (one row per project it was ever started with): one person, a superadmin.
INSERT INTO principals (id, kind, name, superadmin)
SELECT id, 'user', 'bootstrap-admin', true FROM identities WHERE name = 'bootstrap-admin'
ORDER BY created_at LIMIT 1;
INSERT INTO memberships (project_id, principal_id, role)
SELECT DISTINCT i.project_id, p.id, 'admin' FROM identities i, principals p
WHERE i.name = 'bootstrap-admin' AND p.kind = 'user' AND p.name = 'bootstrap-admin';
INSERT INTO credentials (principal_id, kind, name, project_id, token_sha256, created_by)
SELECT COALESCE(p.id, i.id), 'token', CASE WHEN p.id IS NULL THEN 'migrated token' ELSE 'bootstrap token' END, CASE WHEN p.id IS NULL THEN i.project_id END, i.token_sha256, CASE WHEN p.id IS NULL THEN 'migration' ELSE 'bootstrap' END
FROM identities i LEFT JOIN principals p ON i.name = 'bootstrap-admin' AND p.kind = 'user' AND p.name = i.name
WHERE i.token_sha256 IS NOT NULL;
INSERT INTO credentials (principal_id, kind, name, project_id, access_key, secret_key_enc, created_by)
SELECT COALESCE(p.id, i.id), 'access_key', CASE WHEN p.id IS NULL THEN 'migrated key' ELSE 'bootstrap key' END, CASE WHEN p.id IS NULL THEN i.project_id END, i.access_key, i.secret_key_enc, CASE WHEN p.id IS NULL THEN 'migration' ELSE 'bootstrap' END
FROM identities i LEFT JOIN principals p ON i.name = 'bootstrap-admin' AND p.kind = 'user' AND p.name = i.name
WHERE i.access_key IS NOT NULL AND i.secret_key_enc IS NOT NULL;
DROP TABLE identities;

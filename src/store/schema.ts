// The Kysely view of migrations/*.sql, column for column. Columns with a DEFAULT are Generated<> (optional
// on insert), identity columns GeneratedAlways<> (never inserted); bigint columns are numbers (pg-types.ts parses
// int8 as a JS number, exact up to 2^53), timestamptz columns Date. Keep this in step with every new migration.
import type { Generated, GeneratedAlways, JSONColumnType } from 'kysely';

/** projects: every row a user can see belongs to one; `name` is the human one beside the id. */
export interface ProjectsTable {
  id: string;
  name: string;
  created_at: Generated<Date>;
}

/** principals: people (server-wide) and service accounts (owned by one project). */
export interface PrincipalsTable {
  id: Generated<string>;
  kind: 'user' | 'service';
  name: string;
  owner_project_id: string | null;
  password_hash: string | null;
  superadmin: Generated<boolean>;
  oidc_subject: string | null;
  disabled_at: Date | null;
  created_at: Generated<Date>;
}

/** memberships: a principal's role in a project. */
export interface MembershipsTable {
  project_id: string;
  principal_id: string;
  role: 'admin' | 'operator' | 'viewer';
  source: Generated<'manual' | 'oidc'>;
  created_at: Generated<Date>;
}

/** credentials: API tokens, console sessions (SHA-256 kept) and AK/SK pairs (SK encrypted by SecretBox). */
export interface CredentialsTable {
  id: Generated<string>;
  principal_id: string;
  kind: 'token' | 'session' | 'access_key';
  name: string;
  project_id: string | null;
  token_sha256: string | null;
  access_key: string | null;
  secret_key_enc: string | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by: string | null;
  created_at: Generated<Date>;
}

/** audit_log: every state-changing request, appended only. */
export interface AuditLogTable {
  id: GeneratedAlways<number>;
  at: Generated<Date>;
  principal_id: string | null;
  principal_name: string | null;
  credential_id: string | null;
  project_id: string | null;
  family: string;
  action: string;
  target: string;
  status: number;
  outcome: 'success' | 'failure' | 'denied' | 'unauthenticated';
  request_id: string;
  source: string;
}

/** registries: HSS RegistryInfo plus region_id / instance_id. */
export interface RegistriesTable {
  id: Generated<string>;
  project_id: string;
  enterprise_project_id: Generated<string>;
  registry_name: string;
  registry_type: string;
  api_version: Generated<string>;
  protocol: Generated<string>;
  registry_addr: string;
  registry_username: string | null;
  password_enc: string | null;
  namespace: string | null;
  connect_cluster_id: string | null;
  get_scan_image_channel: string | null;
  region_id: string | null;
  instance_id: string | null;
  instance_name: string | null;
  instance_url: string | null;
  status: Generated<string>;
  fail_reason: string | null;
  fail_detail: string | null;
  images_num: Generated<number>;
  latest_sync_time: number | null;
  checked_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** images: HSS RegistryImagesInfo, one row per tag. */
export interface ImagesTable {
  id: GeneratedAlways<number>;
  project_id: string;
  enterprise_project_id: Generated<string>;
  registry_id: string;
  namespace: string;
  image_name: string;
  image_version: string;
  image_digest: string;
  /** Docker's image id: the config digest's hex (an image) or the index digest's hex (a multi-arch tag). */
  image_id: string;
  media_type: string;
  image_size: Generated<number>;
  is_multiple_arch: Generated<boolean>;
  latest_version: Generated<boolean>;
  latest_update_time: Generated<number>;
  latest_sync_time: Generated<number>;
  scan_status: Generated<string>;
  scan_failed_code: string | null;
  latest_scan_time: number | null;
  vul_num: Generated<number>;
  unsafe_setting_num: Generated<number>;
  malicious_file_num: Generated<number>;
  severity_level: string | null;
  /** The summary is of a completed scan, but the latest scan of the digest failed. */
  scan_stale: Generated<boolean>;
  /** False for artifacts and images over the scanner's limits: never queued for a scan. */
  scannable: Generated<boolean>;
  unscannable_reason: string | null;
  /** A referrer tag's subject (`sha256-<hex>[.sig|.att|.sbom]`); null for other tags. */
  subject_digest: string | null;
  /** What a referrer tag holds: signature, sbom, attestation, other. */
  referrer_kinds: JSONColumnType<ReferrerKind[] | null, string | null, string | null>;
}

/** image_platforms: the platform images of a multi-arch tag (association_images). */
export interface ImagePlatformsTable {
  id: GeneratedAlways<number>;
  image_row_id: number;
  image_digest: string;
  image_id: string;
  os: string;
  architecture: string;
  variant: string | null;
  image_size: Generated<number>;
  scannable: Generated<boolean>;
}

/** inventory_tasks: inventory sync tasks. */
export interface InventoryTasksTable {
  id: Generated<string>;
  project_id: string;
  enterprise_project_id: Generated<string>;
  task_type: Generated<string>;
  task_status: Generated<string>;
  begin_time: number;
  end_time: number | null;
  created_at: Generated<Date>;
}

/** inventory_task_registries: one row per registry of an inventory task. */
export interface InventoryTaskRegistriesTable {
  task_id: string;
  registry_id: string;
  sync_status: Generated<string>;
  failed_reason: string | null;
  images_seen: Generated<number>;
  started_at: number | null;
  finished_at: number | null;
}

/** sync_rules: replication rules (SWR sync_repo, ACR sync rules, native API). */
export interface SyncRulesTable {
  id: Generated<string>;
  seq: GeneratedAlways<number>;
  rule_id: string;
  project_id: string;
  enterprise_project_id: Generated<string>;
  name: string;
  source_registry_id: string;
  source_namespace: string;
  source_repository: string | null;
  repository_filter: string | null;
  tag_filter: Generated<string>;
  tag_semver: string | null;
  platforms: JSONColumnType<string[] | null, string | null, string | null>;
  target_registry_id: string;
  target_namespace: string;
  target_repository: string | null;
  tag_rename: string | null;
  sync_trigger: 'PASSIVE' | 'INITIATIVE';
  override: Generated<boolean>;
  /** Copy each image's referrers (signatures, SBOMs, attestations) after it. */
  referrers: Generated<boolean>;
  /** Replication gates (replication/gates.ts); null: none. */
  gates: JSONColumnType<RuleGates | null, string | null, string | null>;
  /** Delete target tags whose source tag was deleted (replication/mirror-deletes.ts). */
  mirror_deletes: Generated<boolean>;
  created_by: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** trusted_keys: signers a project trusts for cosign signatures: public keys and keyless identities. */
export interface TrustedKeysTable {
  id: Generated<string>;
  project_id: string;
  name: string;
  /** 'key' (public_key_pem) or 'keyless' (issuer, subject, trusted_root). */
  kind: Generated<'key' | 'keyless'>;
  public_key_pem: string | null;
  /** Keyless: the OIDC issuer and the certificate subject (SAN) that must match exactly. */
  issuer: string | null;
  subject: string | null;
  /** Keyless: the sigstore trusted root (canonical JSON) the certificate and log entry are checked against. */
  trusted_root: string | null;
  /** Key: `sha256:` + hex of its DER (SubjectPublicKeyInfo). Keyless: `sha256:` over issuer, subject and root. */
  fingerprint: string;
  created_at: Generated<Date>;
}

/** signature_checks: the latest verification of a digest's signatures against one trusted key. */
export interface SignatureChecksTable {
  digest: string;
  key_fingerprint: string;
  verified: boolean;
  signatures: Generated<number>;
  detail: string | null;
  registry_id: string | null;
  repository: string | null;
  checked_at: Generated<Date>;
}

/** sync_batches: the tasks of one trigger. */
export interface SyncBatchesTable {
  id: Generated<string>;
  project_id: string;
  enterprise_project_id: Generated<string>;
  sync_trigger: 'PASSIVE' | 'INITIATIVE';
  origin: string;
  created_by: Generated<string>;
  created_at: Generated<Date>;
  /** The rule a rule run selects from (null for pushes and image lists). */
  rule_id: string | null;
  /** SELECTING until its images are recorded as tasks (migration 008). */
  selection: Generated<BatchSelection>;
  /** What a rule run was asked for, kept so a restart can select again. */
  selection_request: JSONColumnType<SelectionRequest | null, string | null, string | null>;
  selection_detail: string | null;
  /** When the rule run's deletion propagation was claimed (mirror_deletes, once per batch). */
  mirror_deletes_at: Date | null;
}

export type BatchSelection = 'SELECTING' | 'SELECTED' | 'FAILED';

/** The options of a rule run (native `tags`, SWR image tags, ACR Tag). */
export interface SelectionRequest {
  tags?: string[];
  filter?: boolean;
  override?: boolean;
}

/** What a referrer tag holds (images.referrer_kinds). */
export type ReferrerKind = 'signature' | 'sbom' | 'attestation' | 'other';

/** A rule's replication gates (sync_rules.gates); each set field is one gate an image must pass to be copied. */
export interface RuleGates {
  /** Names of the project's trusted keys: a signature verified by any of them passes. */
  signed_by?: string[];
  /** A completed scan result no older than this many hours (a scan is requested when there is none). */
  max_scan_age_hours?: number;
  /** Blocks an image with a vulnerability at or above this severity. */
  block_severity?: 'Critical' | 'High' | 'Medium' | 'Low';
  /** Vulnerabilities (CVE or advisory id) the severity gate ignores, each until its expiry (ISO 8601) if set. */
  allow_vulnerabilities?: { id: string; expires_at?: string }[];
  /** Blocks an image with a malicious file. */
  no_malicious?: boolean;
  /** Blocks an image with a secret (sensitive file). */
  no_secrets?: boolean;
}

export type SyncTaskStatus = 'PENDING' | 'SYNCHRONIZING' | 'SUCCESS' | 'ERROR' | 'CANCELED';

/** One blob of a task (ACR LayerTasks). */
export interface LayerTask {
  digest: string;
  size: number;
  synced: number;
  status: 'PENDING' | 'SYNCHRONIZING' | 'SUCCESS' | 'EXISTS';
}

/** sync_tasks: one image copy each. */
export interface SyncTasksTable {
  id: Generated<string>;
  seq: GeneratedAlways<number>;
  task_id: string;
  batch_id: string;
  rule_id: string | null;
  project_id: string;
  enterprise_project_id: Generated<string>;
  sync_trigger: 'PASSIVE' | 'INITIATIVE';
  source_registry_id: string;
  source_namespace: string;
  source_repository: string;
  source_tag: string;
  target_registry_id: string;
  target_namespace: string;
  target_repository: string;
  target_tag: string;
  override: Generated<boolean>;
  platforms: JSONColumnType<string[] | null, string | null, string | null>;
  /** Copy the image's referrers after it (its rule's option). */
  referrers: Generated<boolean>;
  /** The source repository's referrer-schema tags when the task was selected; null: list them when it runs. */
  referrer_tags: JSONColumnType<string[] | null, string | null, string | null>;
  status: Generated<SyncTaskStatus>;
  issue: string | null;
  issue_detail: string | null;
  retrying: string | null;
  attempts: Generated<number>;
  source_digest: string | null;
  total_size: Generated<number>;
  synced_size: Generated<number>;
  layers: JSONColumnType<LayerTask[], string | undefined, string>;
  created_by: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
}

/** request_nonces: Alibaba SignatureNonce / x-acs-signature-nonce values seen, until they expire. */
export interface RequestNoncesTable {
  access_key: string;
  nonce: string;
  expires_at: Date;
}

/** scan_results: one per scanned digest, shared by every image row naming it. */
export interface ScanResultsTable {
  digest: string;
  status: 'success' | 'failed';
  failed_code: string | null;
  failed_detail: string | null;
  db_version: string;
  scanned_digest: string | null;
  os: string | null;
  vul_num: Generated<number>;
  malicious_file_num: Generated<number>;
  unsafe_setting_num: Generated<number>;
  sensitive_file_num: Generated<number>;
  severity_level: string | null;
  malicious_files: JSONColumnType<unknown[], string | undefined, string>;
  unsafe_settings: JSONColumnType<unknown[], string | undefined, string>;
  sensitive_files: JSONColumnType<unknown[], string | undefined, string>;
  packages: JSONColumnType<unknown[], string | undefined, string>;
  duration_ms: Generated<number>;
  scanned_at: Generated<Date>;
  /** A later scan failed: this completed result is kept, and marked as no longer current. */
  stale: Generated<boolean>;
}

/** vulnerability_findings: one per vulnerability and package of a scanned digest (findings.ts). */
export interface VulnerabilityFindingsTable {
  digest: string;
  ordinal: number;
  vul_id: string;
  ids: string[];
  ecosystem: string;
  severity: 'Critical' | 'High' | 'Medium' | 'Low' | 'Unknown';
  package_type: string;
  package_name: string;
  package_version: string;
  source_name: string | null;
  source_version: string | null;
  package_path: string;
  package_layer: number;
  fixed_version: string | null;
  summary: string;
  url: string;
}

/** vulnerability_digests: every id and alias of every finding → the digests that have it (an inverted index). */
export interface VulnerabilityDigestsTable {
  vulnerability: string;
  digest: string;
}

/** scan_tasks: HSS image-scan tasks. */
export interface ScanTasksTable {
  id: Generated<string>;
  project_id: string;
  enterprise_project_id: Generated<string>;
  task_type: Generated<string>;
  task_status: Generated<'running' | 'finished' | 'stopped'>;
  is_all: Generated<boolean>;
  begin_time: number;
  end_time: number | null;
  created_at: Generated<Date>;
}

export type ScanDigestStatus = 'waiting' | 'scanning' | 'success' | 'failed' | 'stopped';

/** scan_task_digests: the digests a scan task covers, each with its outcome. */
export interface ScanTaskDigestsTable {
  task_id: string;
  digest: string;
  status: Generated<ScanDigestStatus>;
  failed_code: string | null;
}

/** schema_migrations: written by migrate.ts only. */
export interface ProjectSettingsTable {
  project_id: string;
  /** null: the server's default. */
  scan_on_sync: boolean | null;
  updated_by: string;
  updated_at: Generated<Date>;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: Generated<Date>;
}

/** Every table, by name, for `Kysely<Schema>`. */
export interface Schema {
  projects: ProjectsTable;
  principals: PrincipalsTable;
  memberships: MembershipsTable;
  credentials: CredentialsTable;
  audit_log: AuditLogTable;
  registries: RegistriesTable;
  images: ImagesTable;
  image_platforms: ImagePlatformsTable;
  inventory_tasks: InventoryTasksTable;
  inventory_task_registries: InventoryTaskRegistriesTable;
  sync_rules: SyncRulesTable;
  trusted_keys: TrustedKeysTable;
  signature_checks: SignatureChecksTable;
  sync_batches: SyncBatchesTable;
  sync_tasks: SyncTasksTable;
  request_nonces: RequestNoncesTable;
  scan_results: ScanResultsTable;
  vulnerability_findings: VulnerabilityFindingsTable;
  vulnerability_digests: VulnerabilityDigestsTable;
  scan_tasks: ScanTasksTable;
  scan_task_digests: ScanTaskDigestsTable;
  project_settings: ProjectSettingsTable;
  schema_migrations: SchemaMigrationsTable;
}

// schema.ts against the database that the migrations build, on every engine: the same tables and columns, and
// for each column the same kind (required, nullable, with a default, identity) and JS type. EXPECTED is checked
// against schema.ts by the compiler (its type is computed from Schema) and against the database here, so a
// migration and schema.ts cannot drift apart unnoticed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InsertType, SelectType } from 'kysely';
import { testDatabases } from '../../test/support/database.js';
import type { Schema } from './schema.js';

type JsType<T> = T extends number
  ? 'number'
  : T extends string
    ? 'string'
    : T extends boolean
      ? 'boolean'
      : T extends Date
        ? 'Date'
        : T extends object
          ? 'json'
          : 'unknown';
type Kind<C> =
  null extends SelectType<C>
    ? 'nullable'
    : [InsertType<C>] extends [never]
      ? 'identity'
      : undefined extends InsertType<C>
        ? 'default'
        : 'required';
type Describe<C> = `${Kind<C>} ${JsType<NonNullable<SelectType<C>>>}`;
type Expected = { [T in keyof Schema]: { [C in keyof Schema[T]]: Describe<Schema[T][C]> } };

const EXPECTED: Expected = {
  projects: { id: 'required string', name: 'required string', created_at: 'default Date' },
  principals: {
    id: 'default string',
    kind: 'required string',
    name: 'required string',
    owner_project_id: 'nullable string',
    password_hash: 'nullable string',
    superadmin: 'default boolean',
    oidc_subject: 'nullable string',
    disabled_at: 'nullable Date',
    created_at: 'default Date',
  },
  memberships: {
    project_id: 'required string',
    principal_id: 'required string',
    role: 'required string',
    source: 'default string',
    created_at: 'default Date',
  },
  credentials: {
    id: 'default string',
    principal_id: 'required string',
    kind: 'required string',
    name: 'required string',
    project_id: 'nullable string',
    token_sha256: 'nullable string',
    access_key: 'nullable string',
    secret_key_enc: 'nullable string',
    expires_at: 'nullable Date',
    last_used_at: 'nullable Date',
    revoked_at: 'nullable Date',
    created_by: 'nullable string',
    created_at: 'default Date',
  },
  audit_log: {
    id: 'identity number',
    at: 'default Date',
    principal_id: 'nullable string',
    principal_name: 'nullable string',
    credential_id: 'nullable string',
    project_id: 'nullable string',
    family: 'required string',
    action: 'required string',
    target: 'required string',
    status: 'required number',
    outcome: 'required string',
    request_id: 'required string',
    source: 'required string',
  },
  registries: {
    id: 'default string',
    project_id: 'required string',
    enterprise_project_id: 'default string',
    registry_name: 'required string',
    registry_type: 'required string',
    api_version: 'default string',
    protocol: 'default string',
    registry_addr: 'required string',
    registry_username: 'nullable string',
    password_enc: 'nullable string',
    namespace: 'nullable string',
    connect_cluster_id: 'nullable string',
    get_scan_image_channel: 'nullable string',
    region_id: 'nullable string',
    instance_id: 'nullable string',
    instance_name: 'nullable string',
    instance_url: 'nullable string',
    status: 'default string',
    fail_reason: 'nullable string',
    fail_detail: 'nullable string',
    images_num: 'default number',
    latest_sync_time: 'nullable number',
    checked_at: 'nullable Date',
    created_at: 'default Date',
    updated_at: 'default Date',
  },
  images: {
    id: 'identity number',
    project_id: 'required string',
    enterprise_project_id: 'default string',
    registry_id: 'required string',
    namespace: 'required string',
    image_name: 'required string',
    image_version: 'required string',
    image_digest: 'required string',
    image_id: 'required string',
    media_type: 'required string',
    image_size: 'default number',
    is_multiple_arch: 'default boolean',
    latest_version: 'default boolean',
    latest_update_time: 'default number',
    latest_sync_time: 'default number',
    scan_status: 'default string',
    scan_failed_code: 'nullable string',
    latest_scan_time: 'nullable number',
    vul_num: 'default number',
    unsafe_setting_num: 'default number',
    malicious_file_num: 'default number',
    severity_level: 'nullable string',
    scan_stale: 'default boolean',
    scannable: 'default boolean',
    unscannable_reason: 'nullable string',
    subject_digest: 'nullable string',
    referrer_kinds: 'nullable json',
  },
  image_platforms: {
    id: 'identity number',
    image_row_id: 'required number',
    image_digest: 'required string',
    image_id: 'required string',
    os: 'required string',
    architecture: 'required string',
    variant: 'nullable string',
    image_size: 'default number',
    scannable: 'default boolean',
  },
  inventory_tasks: {
    id: 'default string',
    project_id: 'required string',
    enterprise_project_id: 'default string',
    task_type: 'default string',
    task_status: 'default string',
    begin_time: 'required number',
    end_time: 'nullable number',
    created_at: 'default Date',
  },
  inventory_task_registries: {
    task_id: 'required string',
    registry_id: 'required string',
    sync_status: 'default string',
    failed_reason: 'nullable string',
    images_seen: 'default number',
    started_at: 'nullable number',
    finished_at: 'nullable number',
  },
  sync_rules: {
    id: 'default string',
    seq: 'identity number',
    rule_id: 'required string',
    project_id: 'required string',
    enterprise_project_id: 'default string',
    name: 'required string',
    source_registry_id: 'required string',
    source_namespace: 'required string',
    source_repository: 'nullable string',
    repository_filter: 'nullable string',
    tag_filter: 'default string',
    tag_semver: 'nullable string',
    platforms: 'nullable json',
    target_registry_id: 'required string',
    target_namespace: 'required string',
    target_repository: 'nullable string',
    tag_rename: 'nullable string',
    sync_trigger: 'required string',
    override: 'default boolean',
    referrers: 'default boolean',
    gates: 'nullable json',
    mirror_deletes: 'default boolean',
    created_by: 'default string',
    created_at: 'default Date',
    updated_at: 'default Date',
  },
  trusted_keys: {
    id: 'default string',
    project_id: 'required string',
    name: 'required string',
    kind: 'default string',
    public_key_pem: 'nullable string',
    issuer: 'nullable string',
    subject: 'nullable string',
    trusted_root: 'nullable string',
    fingerprint: 'required string',
    created_at: 'default Date',
  },
  signature_checks: {
    digest: 'required string',
    key_fingerprint: 'required string',
    verified: 'required boolean',
    signatures: 'default number',
    detail: 'nullable string',
    registry_id: 'nullable string',
    repository: 'nullable string',
    checked_at: 'default Date',
  },
  sync_batches: {
    id: 'default string',
    project_id: 'required string',
    enterprise_project_id: 'default string',
    sync_trigger: 'required string',
    origin: 'required string',
    created_by: 'default string',
    created_at: 'default Date',
    rule_id: 'nullable string',
    selection: 'default string',
    selection_request: 'nullable json',
    selection_detail: 'nullable string',
    mirror_deletes_at: 'nullable Date',
  },
  sync_tasks: {
    id: 'default string',
    seq: 'identity number',
    task_id: 'required string',
    batch_id: 'required string',
    rule_id: 'nullable string',
    project_id: 'required string',
    enterprise_project_id: 'default string',
    sync_trigger: 'required string',
    source_registry_id: 'required string',
    source_namespace: 'required string',
    source_repository: 'required string',
    source_tag: 'required string',
    target_registry_id: 'required string',
    target_namespace: 'required string',
    target_repository: 'required string',
    target_tag: 'required string',
    override: 'default boolean',
    platforms: 'nullable json',
    referrers: 'default boolean',
    referrer_tags: 'nullable json',
    status: 'default string',
    issue: 'nullable string',
    issue_detail: 'nullable string',
    retrying: 'nullable string',
    attempts: 'default number',
    source_digest: 'nullable string',
    total_size: 'default number',
    synced_size: 'default number',
    layers: 'default json',
    created_by: 'default string',
    created_at: 'default Date',
    updated_at: 'default Date',
    started_at: 'nullable Date',
    finished_at: 'nullable Date',
  },
  request_nonces: {
    access_key: 'required string',
    nonce: 'required string',
    expires_at: 'required Date',
  },
  scan_results: {
    digest: 'required string',
    status: 'required string',
    failed_code: 'nullable string',
    failed_detail: 'nullable string',
    db_version: 'required string',
    scanned_digest: 'nullable string',
    os: 'nullable string',
    vul_num: 'default number',
    malicious_file_num: 'default number',
    unsafe_setting_num: 'default number',
    sensitive_file_num: 'default number',
    severity_level: 'nullable string',
    malicious_files: 'default json',
    unsafe_settings: 'default json',
    sensitive_files: 'default json',
    packages: 'default json',
    duration_ms: 'default number',
    scanned_at: 'default Date',
    stale: 'default boolean',
  },
  scan_tasks: {
    id: 'default string',
    project_id: 'required string',
    enterprise_project_id: 'default string',
    task_type: 'default string',
    task_status: 'default string',
    is_all: 'default boolean',
    begin_time: 'required number',
    end_time: 'nullable number',
    created_at: 'default Date',
  },
  scan_task_digests: {
    task_id: 'required string',
    digest: 'required string',
    status: 'default string',
    failed_code: 'nullable string',
  },
  project_settings: {
    project_id: 'required string',
    scan_on_sync: 'nullable boolean',
    updated_by: 'required string',
    updated_at: 'default Date',
  },
  vulnerability_findings: {
    digest: 'required string',
    ordinal: 'required number',
    vul_id: 'required string',
    ids: 'required json',
    ecosystem: 'required string',
    severity: 'required string',
    package_type: 'required string',
    package_name: 'required string',
    package_version: 'required string',
    source_name: 'nullable string',
    source_version: 'nullable string',
    package_path: 'required string',
    package_layer: 'required number',
    fixed_version: 'nullable string',
    summary: 'required string',
    url: 'required string',
  },
  vulnerability_digests: { vulnerability: 'required string', digest: 'required string' },
  schema_migrations: {
    version: 'required number',
    name: 'required string',
    checksum: 'required string',
    applied_at: 'default Date',
  },
};

const JS_TYPE: Record<string, string> = {
  integer: 'number',
  bigint: 'number',
  text: 'string',
  uuid: 'string',
  boolean: 'boolean',
  'timestamp with time zone': 'Date',
  jsonb: 'json',
  // An array (vulnerability_findings.ids) is, like jsonb, a structured JS value.
  ARRAY: 'json',
};

interface ColumnInfo {
  table_name: string;
  column_name: string;
  data_type: string;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
  is_identity: 'YES' | 'NO';
}

for (const engine of testDatabases()) {
  test(`schema.ts matches the migrated database on ${engine.name}`, async () => {
    const { pool } = await engine.open();
    const { rows } = await pool.query<ColumnInfo>(
      `SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    );
    const actual: Record<string, Record<string, string>> = {};
    for (const c of rows) {
      const kind =
        c.is_identity === 'YES'
          ? 'identity'
          : c.is_nullable === 'YES'
            ? 'nullable'
            : c.column_default !== null
              ? 'default'
              : 'required';
      const table = actual[c.table_name] ?? {};
      table[c.column_name] = `${kind} ${JS_TYPE[c.data_type] ?? c.data_type}`;
      actual[c.table_name] = table;
    }
    assert.deepEqual(actual, EXPECTED);
  });
}

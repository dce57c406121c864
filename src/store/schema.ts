// The Kysely view of migrations/001_init.sql, column for column. Columns with a DEFAULT are Generated<> (optional
// on insert), identity columns GeneratedAlways<> (never inserted); bigint columns are numbers (pg-types.ts parses
// int8 as a JS number, exact up to 2^53), timestamptz columns Date. Keep this in step with every new migration.
import type { Generated, GeneratedAlways } from 'kysely';

/** projects: every row a user can see belongs to one. */
export interface ProjectsTable {
  id: string;
  created_at: Generated<Date>;
}

/** identities: API callers (token hash and/or AK/SK with the SK encrypted by SecretBox). */
export interface IdentitiesTable {
  id: Generated<string>;
  project_id: string;
  name: string;
  token_sha256: string | null;
  access_key: string | null;
  secret_key_enc: string | null;
  created_at: Generated<Date>;
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

/** schema_migrations: written by migrate.ts only. */
export interface SchemaMigrationsTable {
  version: number;
  name: string;
  checksum: string;
  applied_at: Generated<Date>;
}

/** Every table, by name, for `Kysely<Schema>`. */
export interface Schema {
  projects: ProjectsTable;
  identities: IdentitiesTable;
  registries: RegistriesTable;
  images: ImagesTable;
  image_platforms: ImagePlatformsTable;
  inventory_tasks: InventoryTasksTable;
  inventory_task_registries: InventoryTaskRegistriesTable;
  schema_migrations: SchemaMigrationsTable;
}

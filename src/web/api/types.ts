// The shapes the console reads, taken from the server's OpenAPI document (openapi.ts, generated from the
// routes' schemas by `npm run gen:api-types`): when a route's response changes, the console's type check sees it.
// Only enums the server sends as plain strings (a status column) are narrowed here.
import type { paths } from './openapi.js';

/** The JSON body a route answers with on success (200, 201 or 202). */
type Answer<P extends keyof paths, M extends 'get' | 'post' | 'put'> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: { content: { 'application/json': infer T } } }
    ? T
    : R extends { 201: { content: { 'application/json': infer T } } }
      ? T
      : R extends { 202: { content: { 'application/json': infer T } } }
        ? T
        : never
  : never;

export interface Page<T> {
  total_num: number;
  data_list: T[];
}

export type Severity = 'Security' | 'Low' | 'Medium' | 'High';
export type ScanStatus = 'unscan' | 'success' | 'scanning' | 'failed' | 'waiting_for_scan';

/** HSS RegistryInfo (ListRegistry, seed 004). */
export type Registry = Omit<Answer<'/v5/{project_id}/image/registries', 'get'>['data_list'][number], 'status'> & {
  status: 'success' | 'fail' | 'accessing';
};

type ImagesInfo = Answer<'/v5/{project_id}/image/registries/images', 'get'>['data_list'][number];

/** An entry of association_images: one platform of a multi-arch tag. */
export type Platform = NonNullable<ImagesInfo['association_images']>[number];

/** HSS RegistryImagesInfo (ListRegistryImages, seed 003). */
export type ImageRow = Omit<ImagesInfo, 'scan_status' | 'severity_level'> & {
  scan_status: ScanStatus;
  severity_level?: Severity;
};

/** A sync task (native API). */
export type SyncTask = Answer<'/api/v1/tasks/{id}', 'get'>;
export type TaskStatus = SyncTask['status'];
export type LayerProgress = SyncTask['layers'][number];

/** A sync rule (native API). */
export type SyncRule = Answer<'/api/v1/rules/{id}', 'get'>;

/** GET /api/v1/overview. */
export type Overview = Answer<'/api/v1/overview', 'get'>;

/** GET|PUT /api/v1/settings. */
export type Settings = Answer<'/api/v1/settings', 'get'>;

/** GET /api/v1/vulndb: the scan data's feeds, counts, age and last errors. */
export type VulndbStatus = Answer<'/api/v1/vulndb', 'get'>;

/** GET /api/v1/batches/{id}: a batch with its tasks counted by status. */
export type SyncBatch = Answer<'/api/v1/batches/{id}', 'get'>;

/** GET /api/v1/whoami: the caller, its role in the request's project, and every project it belongs to. */
export type Whoami = Answer<'/api/v1/whoami', 'get'>;
export type Role = Whoami['projects'][number]['role'];

/** A project (GET /api/v1/projects), with the caller's role in it. */
export type Project = Answer<'/api/v1/projects', 'get'>[number];

/** A person of the server (GET /api/v1/users, superadmin). */
export type Person = Answer<'/api/v1/users', 'get'>[number];

/** A member of the project: a person or a service account, with its role. */
export type Member = Answer<'/api/v1/members', 'get'>[number];

/** An API token, console session or AK/SK pair (never its secret). */
export type Credential = Answer<'/api/v1/credentials', 'get'>[number];

/** A credential just made: its secret (token or secret_key) is in this answer only. */
export type CreatedCredential = Answer<'/api/v1/credentials', 'post'>;

/** GET /api/v1/audit: a page of entries, newest first, and where the next page starts. */
export type AuditPage = Answer<'/api/v1/audit', 'get'>;
export type AuditEntry = AuditPage['entries'][number];

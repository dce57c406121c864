// The native routes' response schemas against what their handlers send: Fastify serializes with them
// (fast-json-stringify), which drops a field they do not declare and coerces the rest, so each view, serialized
// through its route's schema, must come out exactly as JSON.stringify writes it. Every route documents each answer
// in the OpenAPI document.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import swagger from '@fastify/swagger';
import Fastify, { type FastifySchema } from 'fastify';
import type { AppContext } from '../../app/context.js';
import type { CredentialView } from '../../store/credentials.js';
import type { ImageListRow } from '../../store/images-query.js';
import type { SyncBatchSummary } from '../../store/sync-batches.js';
import type { SyncRuleRow } from '../../store/sync-rules.js';
import type { SyncTaskRow } from '../../store/sync-tasks.js';
import { toRegistryImagesInfo } from '../hss/images.js';
import { credentialView } from './credentials.js';
import { registerNativeApi } from './index.js';
import { policyOf } from './overview.js';
import { principalView } from './projects.js';
import { ruleView } from './rules.js';
import { batchView, taskView } from './tasks.js';

const T0 = new Date('2024-05-01T10:00:00.000Z');
const T1 = new Date('2024-05-01T10:05:00.000Z');
const UUID = '0b7c6f0e-7d0e-4c1e-9f59-5a3c9a1e2b11';

const task = (over: Partial<SyncTaskRow> = {}): SyncTaskRow => ({
  id: UUID,
  seq: 1,
  task_id: 'rst-abc',
  batch_id: UUID,
  rule_id: null,
  project_id: 'p',
  enterprise_project_id: '0',
  sync_trigger: 'PASSIVE',
  source_registry_id: UUID,
  source_namespace: 'library',
  source_repository: 'app',
  source_tag: '1.0',
  target_registry_id: UUID,
  target_namespace: 'mirror',
  target_repository: 'app',
  target_tag: '1.0',
  override: false,
  platforms: null,
  referrers: true,
  referrer_tags: null,
  status: 'PENDING',
  issue: null,
  issue_detail: null,
  retrying: null,
  attempts: 0,
  source_digest: null,
  total_size: 0,
  synced_size: 0,
  layers: [],
  created_by: 'alice',
  created_at: T0,
  updated_at: T0,
  started_at: null,
  finished_at: null,
  ...over,
});

const failed = task({
  rule_id: UUID,
  status: 'ERROR',
  issue: 'TAG_CONFLICT',
  issue_detail: 'the tag names another image',
  retrying: 'REGISTRY_UNAVAILABLE (attempt 2)',
  attempts: 3,
  source_digest: `sha256:${'a'.repeat(64)}`,
  platforms: ['linux/amd64'],
  total_size: 300,
  synced_size: 200,
  layers: [{ digest: `sha256:${'b'.repeat(64)}`, size: 300, synced: 200, status: 'SYNCHRONIZING' }],
  started_at: T0,
  finished_at: T1,
});

const rule = (over: Partial<SyncRuleRow> = {}): SyncRuleRow => ({
  id: UUID,
  seq: 1,
  rule_id: 'crsr-abc',
  project_id: 'p',
  enterprise_project_id: '0',
  name: 'library/* → mirror',
  source_registry_id: UUID,
  source_namespace: 'library',
  source_repository: null,
  repository_filter: null,
  tag_filter: '.*',
  tag_semver: null,
  platforms: null,
  target_registry_id: UUID,
  target_namespace: 'mirror',
  target_repository: null,
  tag_rename: null,
  sync_trigger: 'INITIATIVE',
  override: false,
  referrers: true,
  gates: null,
  mirror_deletes: false,
  created_by: 'alice',
  created_at: T0,
  updated_at: T1,
  ...over,
});

const batch = (over: Partial<SyncBatchSummary> = {}): SyncBatchSummary => ({
  id: UUID,
  project_id: 'p',
  enterprise_project_id: '0',
  sync_trigger: 'INITIATIVE',
  origin: 'api',
  created_by: 'alice',
  created_at: T0,
  rule_id: UUID,
  selection: 'SELECTED',
  selection_request: null,
  selection_detail: null,
  mirror_deletes_at: null,
  tasks: 3,
  by_status: { PENDING: 0, SYNCHRONIZING: 0, SUCCESS: 2, ERROR: 1, CANCELED: 0 },
  total_size: 3_000_000_000,
  synced_size: 2_000,
  finished_at: T1,
  ...over,
});

const image = (over: Partial<ImageListRow> = {}): ImageListRow => ({
  id: 7,
  project_id: 'p',
  enterprise_project_id: '0',
  registry_id: UUID,
  namespace: 'library',
  image_name: 'app',
  image_version: '1.0',
  image_digest: `sha256:${'c'.repeat(64)}`,
  image_id: 'c'.repeat(64),
  media_type: 'application/vnd.oci.image.manifest.v1+json',
  image_size: 1234,
  is_multiple_arch: false,
  latest_version: true,
  latest_update_time: T0.getTime(),
  latest_sync_time: T1.getTime(),
  scan_status: 'unscan',
  scan_failed_code: null,
  latest_scan_time: null,
  vul_num: 0,
  unsafe_setting_num: 0,
  malicious_file_num: 0,
  severity_level: null,
  registry_name: 'src',
  registry_type: 'Harbor',
  instance_id: null,
  scan_stale: false,
  scannable: true,
  unscannable_reason: null,
  subject_digest: null,
  referrer_kinds: null,
  supply: { signed: false, sbom: false, attestations: false, signature_verified: null },
  instance_name: 'hub',
  instance_url: 'http://127.0.0.1:5000',
  platforms: [],
  ...over,
});

const multiArch = image({
  is_multiple_arch: true,
  scan_status: 'failed',
  scan_failed_code: 'SCAN_TIMEOUT',
  latest_scan_time: T1.getTime(),
  severity_level: 'High',
  instance_id: 'cri-1',
  platforms: [
    {
      id: 8,
      image_row_id: 7,
      image_digest: 'sha256:d',
      image_id: 'd',
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
      image_size: 10,
      scannable: true,
      scan: {
        status: 'success',
        stale: false,
        failed_code: null,
        vul_num: 3,
        unsafe_setting_num: 1,
        malicious_file_num: 0,
        severity_level: 'High',
      },
    },
    {
      id: 9,
      image_row_id: 7,
      image_digest: 'sha256:e',
      image_id: 'e',
      os: 'linux',
      architecture: 'amd64',
      variant: null,
      image_size: 11,
      scannable: false,
      scan: null,
    },
  ],
});

const policy = policyOf({ scanOnSync: false, vulndb: '/srv/vulndb', pollIntervalSeconds: 30 });
const settings = {
  ...policy,
  scan_on_sync: true,
  server: { scan_on_sync: false },
  project: { scan_on_sync: true },
  webhook: true,
};
const feed = { name: 'debian', kind: 'osv', records: 10, updated_at: T0.toISOString(), checked_at: T1.toISOString() };
const vulndb = {
  dir: '/srv/vulndb',
  generation: 'g-1',
  updated_at: T0.toISOString(),
  checked_at: T1.toISOString(),
  hand_placed_at: null,
  age_seconds: 300,
  stale: false,
  stale_after_hours: 48,
  feeds: [
    { ...feed, age_seconds: 300, error: null },
    { ...feed, age_seconds: 30, error: { code: 'FEED_FAILED', message: '503', at: T1.toISOString() } },
  ],
  version: 'v-1',
  schedule: null,
};
const path = { namespace: 'library', repository: 'app', tag: '1.0' };
const preview = {
  total: 3,
  items: [
    { source: path, target: { ...path, namespace: 'mirror' }, action: 'copy', digest: 'sha256:f' },
    { source: path, target: path, action: 'error', error: 'MANIFEST_UNKNOWN' },
    { source: path, target: path, action: 'unplanned' },
  ],
};
const overview = {
  registries: { success: 2, fail: 1 },
  images: { High: 3, unscanned: 4 },
  tasks: { ERROR: 1 },
  failures: [taskView(failed)],
  oldest_sync: null,
  newest_sync: T1.getTime(),
  never_synced: 1,
};

const whoami = {
  id: UUID,
  name: 'alice',
  kind: 'user',
  superadmin: false,
  project_id: 'p',
  role: 'viewer',
  credential: { id: UUID, kind: 'token' },
  projects: [],
};
const project = { id: 'a'.repeat(32), name: 'team', created_at: T0.toISOString(), registries: 2, role: null };
const person = principalView({
  id: UUID,
  kind: 'user',
  name: 'alice',
  superadmin: false,
  sign_in: 'password',
  disabled: false,
  created_at: T0,
});
const member = { ...person, role: 'viewer', source: 'manual' };
const credential: CredentialView = {
  id: UUID,
  kind: 'access_key',
  name: 'ci',
  principal_id: UUID,
  principal_name: 'alice',
  project_id: 'p',
  access_key: 'A'.repeat(20),
  expires_at: T1,
  last_used_at: T1,
  revoked_at: T1,
  created_by: 'bootstrap-admin',
  created_at: T0,
};
const auditEntry = {
  id: 8,
  at: T0.toISOString(),
  principal_id: UUID,
  principal_name: 'alice',
  credential_id: UUID,
  project_id: 'p',
  family: 'native',
  action: 'POST /api/v1/rules',
  target: '/api/v1/rules',
  status: 201,
  outcome: 'success',
  request_id: 'r1',
  source: '127.0.0.1',
};

/** What each route answers, as its handler builds it: [method and path, status, body]. */
const ANSWERS: [string, number, unknown][] = [
  [
    'GET /whoami',
    200,
    {
      id: UUID,
      name: 'alice',
      kind: 'user',
      superadmin: false,
      project_id: 'p',
      role: 'viewer',
      credential: { id: UUID, kind: 'session' },
      projects: [{ id: 'p', name: 'team', role: 'viewer' }],
    },
  ],
  ['GET /whoami', 200, { ...whoami, project_id: '', role: null, projects: [] }],
  [
    'GET /projects',
    200,
    [
      { ...project, role: 'admin' },
      { ...project, role: null },
    ],
  ],
  ['POST /projects', 201, project],
  ['PATCH /projects/:id', 200, project],
  ['DELETE /projects/:id', 204, null],
  ['GET /users', 200, [person, { ...person, sign_in: 'none', disabled: true }]],
  ['POST /users', 201, person],
  ['PATCH /users/:id', 200, { ...person, superadmin: true, sign_in: 'password+sso' }],
  ['DELETE /users/:id', 204, null],
  ['GET /members', 200, [member, { ...member, kind: 'service', source: 'oidc' }]],
  ['POST /members', 200, member],
  ['PUT /members/:principal_id', 200, { ...member, role: 'admin' }],
  ['DELETE /members/:principal_id', 204, null],
  ['POST /service-accounts', 201, { ...member, kind: 'service', sign_in: 'none' }],
  [
    'GET /credentials',
    200,
    [
      credentialView(credential),
      credentialView({
        ...credential,
        project_id: null,
        access_key: null,
        expires_at: null,
        last_used_at: null,
        revoked_at: null,
        created_by: null,
      }),
    ],
  ],
  ['POST /credentials', 201, { ...credentialView(credential), secret_key: 'S'.repeat(40) }],
  ['POST /credentials', 201, { ...credentialView({ ...credential, kind: 'token', access_key: null }), token: 'rgt_x' }],
  ['DELETE /credentials/:id', 200, credentialView(credential)],
  ['POST /session', 201, { token: 'rgt_x', expires_at: T1.toISOString(), name: 'alice' }],
  ['DELETE /session', 204, null],
  ['PUT /session/password', 204, null],
  ['GET /oidc/config', 200, { enabled: false, login_url: null }],
  [
    'GET /rules/:id/drift',
    200,
    {
      rule_id: UUID,
      counts: { in_sync: 1, missing: 0, drifted: 0, conflict: 0, blocked: 0, extra: 1 },
      total: 2,
      items: [
        {
          state: 'in_sync',
          source: { path: 'team/app', tag: '1.0', digest: 'sha256:a' },
          target: { path: 'mirror/app', tag: '1.0', digest: 'sha256:a' },
        },
        { state: 'extra', source: null, target: { path: 'mirror/app', tag: '0.9', digest: 'sha256:b' } },
      ],
      source_synced_at: T0.getTime(),
      target_synced_at: null,
    },
  ],
  [
    'GET /trusted-keys',
    200,
    {
      keys: [
        {
          name: 'release',
          kind: 'key',
          fingerprint: `sha256:${'f'.repeat(64)}`,
          public_key_pem: 'PEM',
          issuer: null,
          subject: null,
          created_at: T0.toISOString(),
        },
        {
          name: 'ci',
          kind: 'keyless',
          fingerprint: `sha256:${'e'.repeat(64)}`,
          public_key_pem: null,
          issuer: 'https://token.actions.githubusercontent.com',
          subject: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main',
          created_at: T0.toISOString(),
        },
      ],
    },
  ],
  [
    'POST /trusted-keys',
    201,
    {
      name: 'release',
      kind: 'key',
      fingerprint: `sha256:${'f'.repeat(64)}`,
      public_key_pem: 'PEM',
      issuer: null,
      subject: null,
      created_at: T0.toISOString(),
    },
  ],
  ['DELETE /trusted-keys/:name', 204, null],
  [
    'POST /images/verify',
    200,
    {
      digest: 'sha256:a',
      verified: true,
      keys: [
        { name: 'release', fingerprint: 'sha256:f', verified: true, signatures: 1, detail: null },
        { name: 'ci', fingerprint: 'sha256:e', verified: false, signatures: 0, detail: 'no signature found' },
      ],
    },
  ],
  [
    'POST /rules/:id/mirror-deletes',
    200,
    {
      rule_id: UUID,
      dry_run: false,
      counts: { deleted: 1, skipped: 1, would_delete: 0 },
      items: [
        {
          repository: 'mirror/app',
          tag: '0.9',
          digest: 'sha256:b',
          action: 'deleted',
          reason: 'deleted_at_source',
          detail: 'the manifest',
        },
        {
          repository: 'mirror/app',
          tag: '0.8',
          digest: null,
          action: 'skipped',
          reason: 'moved_at_target',
          detail: 'no longer at the target',
        },
      ],
    },
  ],
  ['GET /oidc/config', 200, { enabled: true, login_url: '/api/v1/oidc/login' }],
  [
    'GET /audit',
    200,
    {
      entries: [
        auditEntry,
        {
          ...auditEntry,
          principal_id: null,
          principal_name: null,
          credential_id: null,
          project_id: null,
          outcome: 'unauthenticated',
          status: 401,
        },
      ],
      next_before: 7,
    },
  ],
  ['GET /audit', 200, { entries: [], next_before: null }],
  ['GET /overview', 200, overview],
  ['GET /overview', 200, { ...overview, failures: [], oldest_sync: T0.getTime() }],
  ['GET /settings', 200, settings],
  ['PUT /settings', 200, { ...settings, project: { scan_on_sync: null } }],
  ['GET /vulndb', 200, vulndb],
  ['GET /vulndb', 200, { ...vulndb, dir: null, generation: null, updated_at: null, age_seconds: null, feeds: [] }],
  ['POST /vulndb/update', 202, { status: 'queued' }],
  ['POST /events/registry', 200, { events: 2, matched_registries: 1, batches: 1 }],
  ['GET /tasks', 200, { total: 2, tasks: [taskView(task()), taskView(failed)] }],
  ['GET /tasks/:id', 200, taskView(failed)],
  ['POST /tasks/:id/cancel', 200, { id: UUID, status: 'CANCELED' }],
  ['GET /batches', 200, { total: 2, batches: [batchView(batch()), batchView(batch({ selection: 'SELECTING' }))] }],
  [
    'GET /batches/:id',
    200,
    batchView(batch({ rule_id: null, selection: 'FAILED', selection_detail: 'no such tag', finished_at: null })),
  ],
  ['POST /batches/:id/retry', 200, { batch_id: UUID, retried: 1 }],
  ['POST /rules', 201, ruleView(rule())],
  ['GET /rules', 200, { total: 1, rules: [ruleView(rule())] }],
  [
    'PUT /rules/:id',
    200,
    ruleView(
      rule({
        source_repository: 'app',
        repository_filter: 'a.*',
        tag_semver: '>=1',
        platforms: ['linux/amd64'],
        target_repository: 'app2',
        tag_rename: 'v$1',
      }),
    ),
  ],
  ['GET /rules/:id', 200, ruleView(rule({ sync_trigger: 'PASSIVE', override: true }))],
  ['DELETE /rules/:id', 204, null],
  ['POST /rules/:id/run', 202, { batch_id: UUID, selection: 'SELECTING' }],
  ['POST /rules/preview', 200, preview],
  ['GET /images', 200, { total_num: 2, data_list: [toRegistryImagesInfo(image()), toRegistryImagesInfo(multiArch)] }],
  ['GET /images/:id', 200, toRegistryImagesInfo(multiArch)],
];

/** The native API's routes ("GET /tasks/:id") with their schemas, and the OpenAPI document of them. */
async function nativeRoutes() {
  const app = Fastify({ logger: false });
  const routes = new Map<string, FastifySchema>();
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method !== 'HEAD') routes.set(`${method} ${r.url.replace(/^\/api\/v1/, '')}`, r.schema ?? {});
    }
  });
  await app.register(swagger, { openapi: { info: { title: 'test', version: '0' } } });
  await app.register(async (native) => registerNativeApi(native, {} as AppContext, policy, { sessionHours: 12 }), {
    prefix: '/api/v1',
  });
  await app.ready();
  const doc = app.swagger() as unknown as {
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  };
  await app.close();
  return { routes, doc };
}

/** `body` as Fastify sends it with `schema` for `status`. */
async function serialized(schema: FastifySchema, status: number, body: unknown): Promise<unknown> {
  const app = Fastify({ logger: false });
  app.get('/', { schema: { response: (schema.response as Record<number, unknown>) ?? {} } }, (_req, reply) =>
    reply.status(status).send(body),
  );
  const res = await app.inject('/');
  await app.close();
  assert.equal(res.statusCode, status, res.body);
  return res.body === '' ? null : res.json();
}

test('each response schema declares every field its handler sends, with the type it has', async () => {
  const { routes } = await nativeRoutes();
  for (const [route, status, body] of ANSWERS) {
    const schema = routes.get(route);
    assert.ok(schema, `${route} is a native route`);
    assert.deepEqual(await serialized(schema, status, body), JSON.parse(JSON.stringify(body)), route);
  }
});

test('every native route is checked here and documents its answers, each with a description', async () => {
  const { routes, doc } = await nativeRoutes();
  const answered = new Set(ANSWERS.map(([route]) => route));
  for (const [route, schema] of routes) {
    assert.ok(answered.has(route), `${route} has an answer checked above`);
    const response = schema.response as Record<string, { description?: string }> | undefined;
    assert.ok(response && Object.keys(response).length > 0, `${route} has a response schema`);
    for (const [status, s] of Object.entries(response)) assert.ok(s.description, `${route} ${status} is described`);
  }
  const op = doc.paths['/api/v1/rules/{id}']?.delete;
  assert.ok(op?.responses['204'], 'DELETE /rules/{id} documents its 204');
  assert.ok(doc.paths['/api/v1/tasks/{id}']?.get?.responses['200'], 'GET /tasks/{id} documents its 200');
});

// Facade contract tests through `app.inject()` (no socket), beside the real-server and vendor-SDK tests: the
// OpenAPI document the server publishes declares every response field of the five seed pages with the page's
// type (seed-fields.ts), and the HSS seed routes answer each of those fields, typed as the page says, for rows
// that have them. A field dropped from a response schema (fast-json-stringify sends only what is declared) or
// renamed fails here, naming the seed and the field.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PROJECT, startServer, type TestServer, TOKEN } from '../integration/server.js';
import { SEED_FIELDS, type SeedType } from './seed-fields.js';

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI and JSON documents, walked field by field
type Json = any;

let server: TestServer;
let doc: Json;

before(async () => {
  server = await startServer({ workers: false });
  doc = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json();
});
after(async () => {
  await server?.stop();
});

/** The 200 response schema of an operation in the published document. */
function response(path: string, method: string): Json {
  const op = doc.paths[path]?.[method];
  assert.ok(op, `${method.toUpperCase()} ${path} is in the OpenAPI document`);
  const schema = op.responses?.['200']?.content?.['application/json']?.schema;
  assert.ok(schema, `${method.toUpperCase()} ${path} documents its 200 response`);
  return schema;
}

function typeMatches(schema: Json, type: SeedType): boolean {
  const types: string[] = [schema?.type ?? []].flat();
  return type === 'integer' ? types.includes('integer') : types.includes(type);
}

function assertDeclares(seed: string, object: string, schema: Json): void {
  const fields = SEED_FIELDS[seed]![object]!;
  for (const [field, type] of Object.entries(fields)) {
    const declared = schema?.properties?.[field];
    assert.ok(declared, `seed ${seed}: ${object}.${field} is declared`);
    assert.ok(
      typeMatches(declared, type),
      `seed ${seed}: ${object}.${field} is ${type}, declared ${JSON.stringify(declared.type)}`,
    );
  }
}

test('the OpenAPI document declares every response field of the five seed pages, with its type', () => {
  const associate = response('/v5/{project_id}/image/image-sync/tasks/{task_id}/registries', 'get');
  assertDeclares('000', 'body', associate);
  assertDeclares('000', 'AssociateRegistriesResponseInfo', associate.properties.data_list.items);

  const syncRepo = response('/v2/manage/namespaces/{namespace}/repos/{repository}/sync_repo', 'get');
  assertDeclares('001', 'SyncRepo', syncRepo.items);

  // ACR is one RPC route: its 200 response is one schema per Action.
  const acr = response('/', 'get');
  const listRepoSyncTask = [acr.anyOf ?? acr.oneOf ?? [acr]].flat().find((s: Json) => s?.properties?.SyncTasks);
  assert.ok(listRepoSyncTask, 'ACR documents ListRepoSyncTask (a body with SyncTasks)');
  assertDeclares('002', 'body', listRepoSyncTask);
  assertDeclares('002', 'SyncTasks', listRepoSyncTask.properties.SyncTasks.items);
  assertDeclares('002', 'ImageFrom', listRepoSyncTask.properties.SyncTasks.items.properties.ImageFrom);
  assertDeclares('002', 'ImageFrom', listRepoSyncTask.properties.SyncTasks.items.properties.ImageTo);

  const images = response('/v5/{project_id}/image/registries/images', 'get');
  assertDeclares('003', 'body', images);
  assertDeclares('003', 'RegistryImagesInfo', images.properties.data_list.items);
  assertDeclares('003', 'AssociateImagesInfo', images.properties.data_list.items.properties.association_images.items);

  const registries = response('/v5/{project_id}/image/registries', 'get');
  assertDeclares('004', 'body', registries);
  assertDeclares('004', 'RegistryInfo', registries.properties.data_list.items);
});

const hss = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
  const res = await server.app.inject({
    method,
    url: `/v5/${PROJECT}${path}`,
    headers: { 'x-auth-token': TOKEN },
    ...(body === undefined ? {} : { payload: body as object }),
  });
  assert.equal(res.statusCode, 200, `${method} ${path}: ${res.body}`);
  return res.json();
};

/** Every seed field of `object` is in `value` with the seed's type, but those named in `absent` (and why). */
function assertAnswers(seed: string, object: string, value: Json, absent: Record<string, string> = {}): void {
  for (const [field, type] of Object.entries(SEED_FIELDS[seed]![object]!)) {
    if (field in absent) {
      assert.equal(value[field], undefined, `seed ${seed}: ${object}.${field} is absent (${absent[field]})`);
      continue;
    }
    const v = value[field];
    const ok =
      type === 'integer' ? Number.isInteger(v) : type === 'array' ? Array.isArray(v) : typeof v === type && v !== null;
    assert.ok(ok, `seed ${seed}: ${object}.${field} answers a ${type}, got ${JSON.stringify(v)}`);
  }
}

test('the HSS seed routes answer every seed field, typed as the page says', async () => {
  const { id: registryId } = await hss('POST', '/image/registries', {
    registry_name: 'contract',
    registry_type: 'Harbor',
    api_version: 'V2',
    protocol: 'http',
    registry_addr: '127.0.0.1:9',
    registry_username: 'robot',
    registry_password: 'not-checked-here',
    namespace: 'team',
    connect_cluster_id: 'cluster-1',
    get_scan_image_channel: 'Other',
  });
  const registries = await hss('GET', '/image/registries');
  assertAnswers('004', 'body', registries);
  assertAnswers('004', 'RegistryInfo', registries.data_list[0], {
    fail_reason: 'only after a failed access check',
    latest_sync_time: 'only after an inventory sync',
  });

  const [row] = await server.runtime.ctx.db
    .insertInto('images')
    .values({
      project_id: PROJECT,
      registry_id: registryId,
      namespace: 'team',
      image_name: 'api',
      image_version: '1.0',
      image_digest: `sha256:${'a'.repeat(64)}`,
      image_id: 'b'.repeat(64),
      media_type: 'application/vnd.oci.image.index.v1+json',
      image_size: 2048,
      is_multiple_arch: true,
      latest_version: true,
      latest_update_time: 1_700_000_000_000,
      latest_sync_time: 1_700_000_100_000,
      scan_status: 'failed',
      scan_failed_code: 'download_failed',
      latest_scan_time: 1_700_000_200_000,
      severity_level: 'High',
    })
    .returning('id')
    .execute();
  await server.runtime.ctx.db
    .insertInto('image_platforms')
    .values({
      image_row_id: row!.id,
      image_digest: `sha256:${'c'.repeat(64)}`,
      image_id: 'd'.repeat(64),
      os: 'linux',
      architecture: 'arm64',
      variant: 'v8',
      image_size: 1024,
    })
    .execute();
  const images = await hss('GET', '/image/registries/images');
  assertAnswers('003', 'body', images);
  assertAnswers('003', 'RegistryImagesInfo', images.data_list[0], {
    shared_status: 'a status of shared SWR images; Regatta holds none',
  });
  assertAnswers('003', 'AssociateImagesInfo', images.data_list[0].association_images[0]);

  const { task_id } = await hss('POST', '/image/image-sync/tasks', { registry_info: [{ registry_id: registryId }] });
  const associated = await hss('GET', `/image/image-sync/tasks/${task_id}/registries`);
  assertAnswers('000', 'body', associated);
  assertAnswers('000', 'AssociateRegistriesResponseInfo', associated.data_list[0], {
    failed_reason: 'only when the registry failed (this one is still running: no workers)',
  });
});

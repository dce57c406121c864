// The SWR facade with the real Huawei SWR SDK (@huaweicloud/huaweicloud-sdk-swr) against a running Regatta whose
// SWR region is region-a: two real registries (region-a, the local one, and region-b) added through HSS AddRegistry
// and crawled; an automatic sync rule made, listed field for field and deleted; a manual sync of two tags whose jobs
// reach success and leave the target digest-identical; errors in SWR's combined envelope.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import {
  CreateImageSyncRepoRequest,
  CreateManualImageSyncRepoRequest,
  DeleteImageSyncRepoRequest,
  ListImageAutoSyncReposDetailsRequest,
  ShowSyncJobRequest,
  SwrClient,
} from '@huaweicloud/huaweicloud-sdk-swr';
import { request } from 'undici';
import { type BuiltImage, type BuiltIndex, buildImage, buildMultiArch, pushImage } from '../support/fixtures.js';
import { huaweiSdkSandbox } from '../support/huawei-sdk.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sha256Hex, skopeoInspectRaw } from '../support/skopeo.js';
import { until } from '../support/until.js';
import {
  AK,
  addRegistry,
  inventorySync,
  type Json,
  PROJECT,
  SK,
  startServer,
  type TestServer,
  TOKEN,
} from './server.js';

const IDENTITY = 'bootstrap-admin';

let server: TestServer;
let src: TestRegistry;
let dst: TestRegistry;
let undoSandbox: () => void;
const ids: Record<string, string> = {};
const images: Record<string, BuiltImage | BuiltIndex> = {};

before(async () => {
  undoSandbox = huaweiSdkSandbox();
  server = await startServer({ app: { swrRegion: 'region-a' } });
  [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
  images.v1 = await buildImage({ format: 'docker', seed: 'swr-1' });
  images.v2 = await buildMultiArch('oci', 'swr-2');
  await pushImage(src, 'corp/web/api', '1.0', images.v1);
  await pushImage(src, 'corp/web/api', '2.0', images.v2);
  for (const [name, reg, region] of [
    ['local', src, 'region-a'],
    ['remote', dst, 'region-b'],
  ] as const) {
    ids[name] = await addRegistry(server.url, { name, host: reg.host, region });
  }
  // Crawl the local registry, so corp/web/api is in the inventory.
  await inventorySync(server.url, [ids.local!]);
});
after(async () => {
  await server?.stop();
  await Promise.all([src?.stop(), dst?.stop()]);
  undoSandbox?.();
});

function swrClient(sk = SK): SwrClient {
  const credential = new BasicCredentials().withAk(AK).withSk(sk).withProjectId(PROJECT);
  return SwrClient.newBuilder().withCredential(credential).withEndpoint(server.url).build();
}

const where = (namespace: string, repository: string) => ({ namespace, repository });
const target = { remoteRegionId: 'region-b', remoteNamespace: 'mirror' };

/** The fields of SWR's combined error body (the SDK reads error_code / error_msg). */
function assertSwrError(json: Json, code: string, message?: RegExp): void {
  assert.equal(json.error_code, code, JSON.stringify(json));
  assert.equal(json.errors?.[0]?.errorCode, code);
  assert.equal(json.errors[0].errorMessage, json.error_msg);
  assert.equal(json.errors[0].detail, '');
  assert.deepEqual(json.details, [{ error_code: code, error_msg: '' }]);
  if (message) assert.match(json.error_msg, message);
}

/** An SDK call that must fail: its HTTP status and SWR error code as the SDK reports them. */
async function sdkRejects(call: Promise<unknown>, status: number, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(
    call,
    (err: { httpStatusCode: number; errorCode: string; errorMsg: string; requestId: string }) => {
      assert.equal(err.httpStatusCode, status, JSON.stringify(err));
      assert.equal(err.errorCode, code);
      assert.ok(err.requestId, 'X-Request-Id reaches the SDK');
      if (message) assert.match(err.errorMsg, message);
      return true;
    },
  );
}

/** Plain HTTP with a token, for what the SDK cannot send (bad names, a missing filter). */
async function swrHttp(method: string, path: string, body?: unknown, token = TOKEN) {
  const res = await request(new URL(`/v2/manage${path}`, server.url), {
    method: method as 'GET',
    headers: { ...(token ? { 'x-auth-token': token } : {}), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: (text ? JSON.parse(text) : {}) as Json };
}

test('sync_repo through the SDK: create → list shows every field → duplicate 409 → delete → list empty', async () => {
  const client = swrClient();
  const created = await client.createImageSyncRepo(
    Object.assign(new CreateImageSyncRepoRequest(), {
      ...where('corp', 'web$api'),
      body: { ...target, syncAuto: false, override: false },
    }),
  );
  assert.equal(created.httpStatusCode, 200);

  const list = (await client.listImageAutoSyncReposDetails(
    Object.assign(new ListImageAutoSyncReposDetailsRequest(), where('corp', 'web$api')),
  )) as unknown as Json[];
  assert.ok(Array.isArray(list), 'a bare JSON array');
  assert.equal(list.length, 1);
  const repo = list[0]!;
  assert.deepEqual(Object.keys(repo).sort(), [
    'createdAt',
    'domainID',
    'domainName',
    'id',
    'namespace',
    'override',
    'remoteNamespace',
    'remoteRegionId',
    'repoName',
    'syncAuto',
    'updatedAt',
  ]);
  assert.match(repo.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.match(repo.updatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.ok(Math.abs(Date.parse(repo.createdAt) - Date.now()) < 60_000);
  assert.ok(Number.isInteger(repo.id) && repo.id > 0);
  assert.deepEqual(
    { ...repo, createdAt: undefined, updatedAt: undefined, id: undefined },
    {
      createdAt: undefined,
      updatedAt: undefined,
      id: undefined,
      domainID: PROJECT,
      domainName: IDENTITY,
      namespace: 'corp',
      override: false,
      remoteNamespace: 'mirror',
      remoteRegionId: 'region-b',
      repoName: 'web/api',
      syncAuto: false,
    },
  );
  // The rule underneath: manual (INITIATIVE), every tag, into region-b's registry.
  const rule = await server.runtime.ctx.syncRules.get(
    { projectId: PROJECT, enterpriseProjectId: 'all_granted_eps' },
    repo.id as number,
  );
  assert.equal(rule?.sync_trigger, 'INITIATIVE');
  assert.equal(rule?.tag_filter, '.*');
  assert.equal(rule?.target_registry_id, ids.remote);
  assert.equal(rule?.enterprise_project_id, '0');

  await sdkRejects(
    client.createImageSyncRepo(
      Object.assign(new CreateImageSyncRepoRequest(), {
        ...where('corp', 'web$api'),
        body: { ...target, syncAuto: true },
      }),
    ),
    409,
    'SVCSTG.SWR.4090006',
    /already exists/,
  );

  const deleted = await client.deleteImageSyncRepo(
    Object.assign(new DeleteImageSyncRepoRequest(), { ...where('corp', 'web$api'), body: target }),
  );
  assert.equal(deleted.httpStatusCode, 200);
  const empty = (await client.listImageAutoSyncReposDetails(
    Object.assign(new ListImageAutoSyncReposDetailsRequest(), where('corp', 'web$api')),
  )) as unknown as Json[];
  assert.deepEqual([...empty], []);
  await sdkRejects(
    client.deleteImageSyncRepo(
      Object.assign(new DeleteImageSyncRepoRequest(), { ...where('corp', 'web$api'), body: target }),
    ),
    404,
    'SVCSTG.SWR.4040009',
  );
});

test('a syncAuto rule is PASSIVE; the list shows a namespace-wide rule made by another API, but DELETE keeps it', async () => {
  const client = swrClient();
  await client.createImageSyncRepo(
    Object.assign(new CreateImageSyncRepoRequest(), {
      ...where('corp', 'web$api'),
      body: { remoteRegionId: 'region-b', remoteNamespace: 'auto', syncAuto: true, override: true },
    }),
  );
  const scope = { projectId: PROJECT, enterpriseProjectId: 'all_granted_eps' };
  // As ACR CreateRepoSyncRule with SyncScope NAMESPACE makes it: no source repository.
  const wide = await server.runtime.ctx.syncRules.create(scope, {
    name: 'acr namespace rule',
    source_registry_id: ids.local!,
    source_namespace: 'corp',
    source_repository: null,
    repository_filter: null,
    tag_semver: null,
    target_registry_id: ids.remote!,
    target_namespace: 'wide',
    target_repository: null,
    tag_rename: null,
    sync_trigger: 'INITIATIVE',
    created_by: 'someone-else',
  });
  const list = (await client.listImageAutoSyncReposDetails(
    Object.assign(new ListImageAutoSyncReposDetailsRequest(), where('corp', 'web$api')),
  )) as unknown as Json[];
  assert.deepEqual(
    list.map((r) => [r.remoteNamespace, r.syncAuto, r.override, r.repoName, r.domainName]),
    [
      ['auto', true, true, 'web/api', IDENTITY],
      ['wide', false, false, 'web/api', 'someone-else'],
    ],
  );
  await sdkRejects(
    client.deleteImageSyncRepo(
      Object.assign(new DeleteImageSyncRepoRequest(), {
        ...where('corp', 'web$api'),
        body: { remoteRegionId: 'region-b', remoteNamespace: 'wide' },
      }),
    ),
    404,
    'SVCSTG.SWR.4040009',
    /whole organization/,
  );
  assert.ok(await server.runtime.ctx.syncRules.get(scope, wide.id), 'the namespace-wide rule is still there');
  await client.deleteImageSyncRepo(
    Object.assign(new DeleteImageSyncRepoRequest(), {
      ...where('corp', 'web$api'),
      body: { remoteRegionId: 'region-b', remoteNamespace: 'auto' },
    }),
  );
  await server.runtime.ctx.syncRules.delete(scope, wide.id);
});

test('manual sync of two tags through the SDK: two jobs reach success, the target holds both digest-identical', async () => {
  const client = swrClient();
  const started = (await client.createManualImageSyncRepo(
    Object.assign(new CreateManualImageSyncRepoRequest(), {
      ...where('corp', 'web$api'),
      body: { ...target, imageTag: ['1.0', '2.0'], override: false },
    }),
  )) as unknown as string[] & { httpStatusCode: number };
  assert.equal(started.httpStatusCode, 200);
  assert.deepEqual([...started], [], 'no tag failed to start');

  const show = () =>
    client.showSyncJob(
      Object.assign(new ShowSyncJobRequest(), {
        ...where('corp', 'web$api'),
        filter: 'limit::10|offset::0|order::asc',
      }),
    ) as unknown as Promise<Json[]>;
  const jobs = await until('both jobs finished', async () => {
    const list = await show();
    return list.length === 2 && list.every((j) => j.status !== 'waiting' && j.status !== 'running') ? list : undefined;
  });
  assert.deepEqual(
    jobs.map((j) => [j.tag, j.status]),
    [
      ['1.0', 'success'],
      ['2.0', 'success'],
    ],
  );
  const identity = await server.runtime.ctx.identities.byToken(TOKEN);
  for (const job of jobs) {
    assert.deepEqual(Object.keys(job).sort(), [
      'createdAt',
      'domainID',
      'domainName',
      'id',
      'namespace',
      'override',
      'remoteNamespace',
      'remoteRegionId',
      'repoName',
      'status',
      'syncOperatorId',
      'syncOperatorName',
      'tag',
      'updatedAt',
    ]);
    assert.ok(Number.isInteger(job.id));
    assert.equal(job.domainID, PROJECT);
    assert.equal(job.domainName, IDENTITY);
    assert.equal(job.namespace, 'corp');
    assert.equal(job.repoName, 'web/api');
    assert.equal(job.remoteRegionId, 'region-b');
    assert.equal(job.remoteNamespace, 'mirror');
    assert.equal(job.override, false);
    assert.equal(job.syncOperatorName, IDENTITY);
    assert.equal(job.syncOperatorId, identity?.principalId);
    assert.match(job.createdAt, /Z$/);
  }
  assert.ok(jobs[0]!.id < jobs[1]!.id, 'order::asc');
  // Paging: one job per page, newest first by default.
  const page = await swrHttp('GET', '/namespaces/corp/repos/web$api/sync_job?filter=limit::1|offset::1');
  assert.equal(page.status, 200);
  assert.deepEqual(
    page.json.map((j: Json) => j.tag),
    ['1.0'],
  );
  assert.equal(page.headers['content-range'], '1-1/2');

  assert.equal(sha256Hex(await skopeoInspectRaw(`${dst.host}/mirror/web/api:1.0`)), images.v1!.digest);
  assert.equal(sha256Hex(await skopeoInspectRaw(`${dst.host}/mirror/web/api:2.0`)), images.v2!.digest);

  // A tag the repository does not have is answered as not synced, and gets no job.
  const partial = (await client.createManualImageSyncRepo(
    Object.assign(new CreateManualImageSyncRepoRequest(), {
      ...where('corp', 'web$api'),
      body: { ...target, imageTag: ['1.0', 'nope'], override: true },
    }),
  )) as unknown as string[];
  assert.deepEqual([...partial], ['nope']);
  const again = await show();
  assert.equal(again.length, 3);
  assert.ok(!again.some((j) => j.tag === 'nope'));
});

test('a repository pushed after the last crawl is found on the registry itself', async () => {
  await pushImage(src, 'corp/fresh', 'v1', await buildImage({ format: 'oci', seed: 'swr-fresh' }));
  await pushImage(src, 'newns/app', 'v1', await buildImage({ format: 'oci', seed: 'swr-newns' }));
  const client = swrClient();
  for (const [namespace, repository] of [
    ['corp', 'fresh'],
    ['newns', 'app'],
  ] as const) {
    const list = (await client.listImageAutoSyncReposDetails(
      Object.assign(new ListImageAutoSyncReposDetailsRequest(), where(namespace, repository)),
    )) as unknown as Json[] & { httpStatusCode: number };
    assert.equal(list.httpStatusCode, 200);
    assert.deepEqual([...list], []);
  }
});

test('sync_repo lists 100 records by default, as seed 001 says; offset and limit page on, Content-Range counts', async () => {
  for (let i = 0; i < 101; i++) {
    const made = await swrHttp('POST', '/namespaces/corp/repos/fresh/sync_repo', {
      remoteRegionId: 'region-b',
      remoteNamespace: `mirror${i}`,
    });
    assert.equal(made.status, 200, JSON.stringify(made.json));
  }
  const first = (await swrClient().listImageAutoSyncReposDetails(
    Object.assign(new ListImageAutoSyncReposDetailsRequest(), where('corp', 'fresh')),
  )) as unknown as Json[];
  assert.equal([...first].length, 100);
  assert.equal(first[0]!.remoteNamespace, 'mirror0', 'oldest first');
  const rest = await swrHttp('GET', '/namespaces/corp/repos/fresh/sync_repo?offset=100');
  assert.deepEqual(
    rest.json.map((r: Json) => r.remoteNamespace),
    ['mirror100'],
  );
  assert.equal(rest.headers['content-range'], '100-100/101');
  const all = await swrHttp('GET', '/namespaces/corp/repos/fresh/sync_repo?limit=1000');
  assert.equal(all.json.length, 101);
  assert.equal(all.headers['content-range'], '0-100/101');
});

test('errors in the SWR envelope: bad names 400, unknown organization or repository 404, unknown region 400', async () => {
  const badNs = await swrHttp('GET', '/namespaces/Corp/repos/web$api/sync_repo');
  assert.equal(badNs.status, 400);
  assertSwrError(badNs.json, 'SVCSTG.SWR.4000014', /namespace "Corp" may contain only lowercase letters/);
  assert.ok(badNs.headers['x-request-id']);
  const badNs2 = await swrHttp('GET', '/namespaces/corp.-x/repos/web$api/sync_repo');
  assertSwrError(badNs2.json, 'SVCSTG.SWR.4000014', /next to each other/);
  const badRepo = await swrHttp('GET', '/namespaces/corp/repos/web$$api/sync_repo');
  assert.equal(badRepo.status, 400);
  assertSwrError(badRepo.json, 'SVCSTG.SWR.4000014', /repository "web\$\$api"/);

  const noRepo = await swrHttp('GET', '/namespaces/corp/repos/nothere/sync_repo');
  assert.equal(noRepo.status, 404);
  assertSwrError(noRepo.json, 'SVCSTG.SWR.4040010', /repository "nothere" does not exist/);
  const noNs = await swrHttp('GET', '/namespaces/ghost/repos/app/sync_repo');
  assert.equal(noNs.status, 404);
  assertSwrError(noNs.json, 'SVCSTG.SWR.4040058', /organization "ghost" does not exist/);

  const client = swrClient();
  await sdkRejects(
    client.createImageSyncRepo(
      Object.assign(new CreateImageSyncRepoRequest(), {
        ...where('corp', 'web$api'),
        body: { remoteRegionId: 'region-z', remoteNamespace: 'x' },
      }),
    ),
    400,
    'SVCSTG.SWR.4000014',
    /remoteRegionId "region-z": no registry has this region_id/,
  );
  await sdkRejects(
    client.createManualImageSyncRepo(
      Object.assign(new CreateManualImageSyncRepoRequest(), {
        ...where('corp', 'web$api'),
        body: { remoteRegionId: 'region-z', remoteNamespace: 'x', imageTag: ['1.0'] },
      }),
    ),
    400,
    'SVCSTG.SWR.4000014',
    /region-z/,
  );
  const noBody = await swrHttp('POST', '/namespaces/corp/repos/web$api/sync_repo', { remoteRegionId: 'region-b' });
  assert.equal(noBody.status, 400);
  assertSwrError(noBody.json, 'SVCSTG.SWR.4000014', /remoteNamespace/);
  const badTarget = await swrHttp('POST', '/namespaces/corp/repos/web$api/sync_repo', {
    remoteRegionId: 'region-b',
    remoteNamespace: 'Bad',
  });
  assertSwrError(badTarget.json, 'SVCSTG.SWR.4000014', /remoteNamespace "Bad"/);
  const noTags = await swrHttp('POST', '/namespaces/corp/repos/web$api/sync_images', { ...target, imageTag: [] });
  assert.equal(noTags.status, 400);
  assertSwrError(noTags.json, 'SVCSTG.SWR.4000014', /imageTag/);
  const unknownPath = await swrHttp('GET', '/namespaces/corp/repos/web$api/nope');
  assert.equal(unknownPath.status, 404);
  assertSwrError(unknownPath.json, 'SVCSTG.SWR.4040083');
});

test('a bad sync_job filter is refused with 400', async () => {
  for (const filter of [
    undefined,
    '',
    'limit::10',
    'offset::0',
    'limit::x|offset::0',
    'limit::0|offset::0',
    'limit::10|offset::-1',
    'limit::10|offset::0|order::up',
    'limit::10|offset::0|limit::5',
    'limit::10|offset::0|sort::name',
    'limit:10|offset:0',
  ]) {
    const q = filter === undefined ? '' : `?filter=${encodeURIComponent(filter)}`;
    const res = await swrHttp('GET', `/namespaces/corp/repos/web$api/sync_job${q}`);
    assert.equal(res.status, 400, `filter ${filter}: ${JSON.stringify(res.json)}`);
    assertSwrError(res.json, 'SVCSTG.SWR.4000014', /filter/);
  }
  const ok = await swrHttp('GET', '/namespaces/corp/repos/web$api/sync_job?filter=order::desc|offset::0|limit::5');
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
});

test('authentication: a wrong SK or no credentials → 401 SVCSTG.SWR.4010000', async () => {
  await sdkRejects(
    swrClient(`${SK}x`).listImageAutoSyncReposDetails(
      Object.assign(new ListImageAutoSyncReposDetailsRequest(), where('corp', 'web$api')),
    ),
    401,
    'SVCSTG.SWR.4010000',
    /Authentication failed/,
  );
  const anonymous = await swrHttp('POST', '/namespaces/corp/repos/web$api/sync_repo', { bad: true }, '');
  assert.equal(anonymous.status, 401, 'authenticated before the body is validated');
  assertSwrError(anonymous.json, 'SVCSTG.SWR.4010000');
  const badToken = await swrHttp('GET', '/namespaces/corp/repos/web$api/sync_repo', undefined, 'not-a-token');
  assert.equal(badToken.status, 401);
  assertSwrError(badToken.json, 'SVCSTG.SWR.4010000');
});

test('the SWR routes are in /openapi.json', async () => {
  const res = await request(new URL('/openapi.json', server.url));
  const doc = (await res.body.json()) as Json;
  for (const path of ['sync_repo', 'sync_images', 'sync_job']) {
    assert.ok(doc.paths[`/v2/manage/namespaces/{namespace}/repos/{repository}/${path}`], path);
  }
});

test('without a registry of the server region, SWR answers 404 naming REGATTA_SWR_REGION', async () => {
  const other = await startServer({ app: { swrRegion: '' }, workers: false });
  try {
    const res = await request(new URL('/v2/manage/namespaces/corp/repos/web$api/sync_repo', other.url), {
      headers: { 'x-auth-token': TOKEN },
    });
    assert.equal(res.statusCode, 404);
    assertSwrError((await res.body.json()) as Json, 'SVCSTG.SWR.4040058', /REGATTA_SWR_REGION/);
  } finally {
    await other.stop();
  }
});

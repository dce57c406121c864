// The ACR facade with the real Alibaba SDKs against a running Regatta: pop-core's RPCClient (HMAC-SHA1, form POST
// and query GET) and @alicloud/openapi-client (ACS3-HMAC-SHA256, and HMAC-SHA1 with signatureAlgorithm v2). Two
// real registries are instances cri-src (region cn-a, local to SWR) and cri-dst (cn-b). A rule made through ACR is
// listed by SWR and the native API; tasks by rule and by hand copy digest-identical images (checked with skopeo);
// ListRepoSyncTask answers in the seed's shape; errors come in ACR's envelope; a replayed request is refused.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import OpenApi, { OpenApiRequest, Params } from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import RPCClient from '@alicloud/pop-core';
import { RuntimeOptions } from '@alicloud/tea-util';
import { request } from 'undici';
import { type BuiltImage, buildImage, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sha256Hex, skopeoInspectRaw } from '../support/skopeo.js';
import { until } from '../support/until.js';
import {
  AK,
  addRegistry,
  apiCall,
  inventorySync,
  type Json,
  SK,
  startServer,
  type TestServer,
  TOKEN,
} from './server.js';

let server: TestServer;
let src: TestRegistry;
let dst: TestRegistry;
const ids: Record<string, string> = {};
const images: BuiltImage[] = [];

before(async () => {
  server = await startServer({ app: { swrRegion: 'cn-a' } });
  [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
  for (const [i, tag] of ['1.0', '1.1'].entries()) {
    images[i] = await buildImage({ format: i ? 'oci' : 'docker', seed: `acr-${tag}` });
    await pushImage(src, 'corp/app', tag, images[i]!);
  }
  for (const [name, reg, instance, region] of [
    ['src', src, 'cri-src', 'cn-a'],
    ['dst', dst, 'cri-dst', 'cn-b'],
  ] as const) {
    ids[name] = await addRegistry(server.url, { name, host: reg.host, region, instance, wait: false });
  }
  // The inventory of cri-src gives ListRepository (and so RepoId) its rows.
  await inventorySync(server.url, [ids.src!]);
});
after(async () => {
  await server?.stop();
  await Promise.all([src?.stop(), dst?.stop()]);
});

function popClient(secret = SK) {
  return new RPCClient({ accessKeyId: AK, accessKeySecret: secret, endpoint: server.url, apiVersion: '2018-12-01' });
}
const pop = (action: string, params: Record<string, unknown>, method: 'GET' | 'POST' = 'POST', secret = SK) =>
  popClient(secret).request(action, params, { method }) as Promise<Json>;

/** openapi-client's RPC call, ACS3-HMAC-SHA256 by default or HMAC-SHA1 with `v2`. */
async function openapi(action: string, query: Record<string, string>, algorithm?: 'v2'): Promise<Json> {
  const host = new URL(server.url).host;
  const config = new OpenApi.Config({ accessKeyId: AK, accessKeySecret: SK, endpoint: host, protocol: 'http' });
  if (algorithm) config.signatureAlgorithm = algorithm;
  const client = new OpenApi.default(config);
  const params = new Params({
    action,
    version: '2018-12-01',
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const res = await client.callApi(params, new OpenApiRequest({ query }), new RuntimeOptions({}));
  return res.body as Json;
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    return String((err as { code?: string }).code);
  }
  assert.fail('the call succeeded');
}

async function repoId(): Promise<string> {
  const list = await pop('ListRepository', { InstanceId: 'cri-src', RepoNamespaceName: 'corp' });
  assert.equal(list.TotalCount, '1');
  assert.equal(list.Repositories[0].RepoName, 'app');
  return list.Repositories[0].RepoId as string;
}

async function taskEnded(id: string): Promise<Json> {
  return until(`task ${id} ended`, async () => {
    const t = await pop('GetRepoSyncTask', { InstanceId: 'cri-src', SyncTaskId: id });
    return t.TaskStatus === 'PENDING' || t.TaskStatus === 'SYNCHRONIZING' ? undefined : t;
  });
}

const digestAt = async (ref: string) => sha256Hex(await skopeoInspectRaw(`${dst.host}/${ref}`));

test('a rule made with pop-core is listed by ACR, SWR and the native API; a task by rule copies the image', async () => {
  const made = await pop('CreateRepoSyncRule', {
    InstanceId: 'cri-src',
    NamespaceName: 'corp',
    RepoName: 'app',
    SyncScope: 'REPO',
    SyncRuleName: 'corp-app-to-dr',
    SyncTrigger: 'INITIATIVE',
    TagFilter: '1\\..*',
    TargetInstanceId: 'cri-dst',
    TargetNamespaceName: 'dr',
    TargetRegionId: 'cn-b',
  });
  assert.equal(made.Code, 'success');
  assert.equal(made.IsSuccess, true);
  assert.match(made.SyncRuleId, /^crsr-[0-9a-z]{16}$/);

  const listed = await pop('ListRepoSyncRule', { InstanceId: 'cri-src' }, 'GET');
  assert.equal(listed.TotalCount, 1);
  const rule = listed.SyncRules[0];
  assert.deepEqual(
    { ...rule, CreateTime: typeof rule.CreateTime, ModifiedTime: typeof rule.ModifiedTime },
    {
      SyncRuleId: made.SyncRuleId,
      SyncRuleName: 'corp-app-to-dr',
      SyncScope: 'REPO',
      SyncTrigger: 'INITIATIVE',
      SyncDirection: 'FROM',
      TagFilter: '1\\..*',
      RepoNameFilter: '',
      LocalInstanceId: 'cri-src',
      LocalRegionId: 'cn-a',
      LocalNamespaceName: 'corp',
      LocalRepoName: 'app',
      TargetInstanceId: 'cri-dst',
      TargetRegionId: 'cn-b',
      TargetNamespaceName: 'dr',
      TargetRepoName: '',
      CrossUser: false,
      CreateTime: 'number',
      ModifiedTime: 'number',
    },
  );
  const fromTarget = await pop('ListRepoSyncRule', { InstanceId: 'cri-dst' });
  assert.equal(fromTarget.SyncRules[0].SyncDirection, 'TO');

  const native = await apiCall(server.url, 'GET', '/rules');
  assert.ok(native.json.rules.some((r: Json) => r.rule_id === made.SyncRuleId && r.target.namespace === 'dr'));
  const swr = await request(`${server.url}/v2/manage/namespaces/corp/repos/app/sync_repo`, {
    headers: { 'x-auth-token': TOKEN },
  });
  const swrRules = (await swr.body.json()) as Json[];
  assert.ok(swrRules.some((r) => r.remoteRegionId === 'cn-b' && r.remoteNamespace === 'dr' && r.syncAuto === false));

  const started = await pop('CreateRepoSyncTaskByRule', {
    InstanceId: 'cri-src',
    RepoId: await repoId(),
    SyncRuleId: made.SyncRuleId,
    Tag: '1.0',
  });
  assert.match(started.SyncTaskId, /^rst-[0-9a-z]{16}$/);
  const done = await taskEnded(started.SyncTaskId);
  assert.equal(done.TaskStatus, 'SUCCESS', JSON.stringify(done));
  assert.equal(done.Progress, 100);
  assert.equal(done.SyncRuleId, made.SyncRuleId);
  assert.equal(done.TaskTrigger, 'INITIATIVE');
  assert.ok(done.LayerTasks.length >= 2, 'config and layer blobs are listed');
  for (const layer of done.LayerTasks) assert.equal(layer.SyncedSize, layer.Size);
  assert.equal(
    done.SyncedSize,
    done.LayerTasks.reduce((n: number, l: Json) => n + l.Size, 0),
  );
  assert.deepEqual(
    { ...done.ImageTo },
    {
      RepoNamespaceName: 'dr',
      InstanceId: 'cri-dst',
      ImageTag: '1.0',
      RepoName: 'app',
      RegionId: 'cn-b',
    },
  );
  assert.equal(await digestAt('dr/app:1.0'), images[0]!.digest);

  const excluded = pop('CreateRepoSyncTaskByRule', {
    InstanceId: 'cri-src',
    RepoId: await repoId(),
    SyncRuleId: made.SyncRuleId,
    Tag: 'latest',
  });
  assert.equal(await codeOf(excluded), 'InvalidParameter');
  await pop('DeleteRepoSyncRule', { InstanceId: 'cri-src', SyncRuleId: made.SyncRuleId });
  assert.equal((await pop('ListRepoSyncRule', { InstanceId: 'cri-src' })).TotalCount, 0);

  // And the other way round: an SWR automatic sync is an ACR PASSIVE rule of the instance.
  const viaSwr = await request(`${server.url}/v2/manage/namespaces/corp/repos/app/sync_repo`, {
    method: 'POST',
    headers: { 'x-auth-token': TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ remoteRegionId: 'cn-b', remoteNamespace: 'swr-made', syncAuto: true, override: false }),
  });
  assert.equal(viaSwr.statusCode, 200, await viaSwr.body.text());
  const [fromSwr] = (await pop('ListRepoSyncRule', { InstanceId: 'cri-src', TargetRegionId: 'cn-b' })).SyncRules;
  assert.equal(fromSwr.SyncTrigger, 'PASSIVE');
  assert.equal(fromSwr.TargetNamespaceName, 'swr-made');
  assert.equal(fromSwr.TargetInstanceId, 'cri-dst');
  await pop('DeleteRepoSyncRule', { InstanceId: 'cri-src', SyncRuleId: fromSwr.SyncRuleId });
});

test('openapi-client (ACS3) creates a manual task; ListRepoSyncTask answers in the seed shape, by batch', async () => {
  const started = await openapi('CreateRepoSyncTask', {
    InstanceId: 'cri-src',
    RepoId: await repoId(),
    Tag: '1.1',
    TargetInstanceId: 'cri-dst',
    TargetNamespace: 'manual',
    TargetRegionId: 'cn-b',
    TargetRepoName: 'app-copy',
    TargetTag: 'copied',
  });
  assert.equal(started.Code, 'success');
  const done = await taskEnded(started.SyncTaskId);
  assert.equal(done.TaskStatus, 'SUCCESS', JSON.stringify(done));
  assert.equal(await digestAt('manual/app-copy:copied'), images[1]!.digest);

  const list = await openapi('ListRepoSyncTask', {
    InstanceId: 'cri-src',
    RepoNamespaceName: 'corp',
    RepoName: 'app',
    Tag: '1.1',
    SyncRecordId: done.SyncBatchTaskId,
    PageNo: '1',
    PageSize: '30',
  });
  assert.deepEqual(Object.keys(list).sort(), [
    'Code',
    'IsSuccess',
    'PageNo',
    'PageSize',
    'RequestId',
    'SyncTasks',
    'TotalCount',
  ]);
  assert.equal(list.TotalCount, '1');
  const row = list.SyncTasks[0];
  for (const field of [
    'ModifedTime',
    'SyncTaskId',
    'TaskStatus',
    'CreateTime',
    'SyncBatchTaskId',
    'CrossUser',
    'SyncTransAccelerate',
    'TaskTrigger',
    'ImageFrom',
    'ImageTo',
    'CustomLink',
    'TaskIssue',
  ]) {
    assert.ok(field in row, `SyncTasks[0].${field}`);
  }
  assert.equal(row.SyncTaskId, started.SyncTaskId);
  assert.equal(row.TaskTrigger, 'INITIATIVE');
  assert.equal('SyncRuleId' in row, false, 'a manual task has no rule id, and no empty one either');
  assert.deepEqual(row.ImageFrom, {
    RepoNamespaceName: 'corp',
    InstanceId: 'cri-src',
    ImageTag: '1.1',
    RepoName: 'app',
    RegionId: 'cn-a',
  });
  assert.equal(row.ImageTo.ImageTag, 'copied');

  // HMAC-SHA1 through openapi-client too; a page past the end is empty but counts everything.
  const page2 = await openapi('ListRepoSyncTask', { InstanceId: 'cri-src', PageNo: '2', PageSize: '100' }, 'v2');
  assert.deepEqual(page2.SyncTasks, []);
  assert.ok(Number(page2.TotalCount) >= 2);
});

test('a failed task says why in TaskIssue; cancelling an ended task is refused', async () => {
  const started = await pop('CreateRepoSyncTask', {
    InstanceId: 'cri-src',
    RepoId: await repoId(),
    Tag: 'no-such-tag',
    TargetInstanceId: 'cri-dst',
    TargetNamespace: 'manual',
    TargetRegionId: 'cn-b',
    TargetRepoName: 'app',
    TargetTag: 'no-such-tag',
  });
  const done = await taskEnded(started.SyncTaskId);
  assert.equal(done.TaskStatus, 'ERROR');
  assert.equal(done.TaskIssue, 'SOURCE_NOT_FOUND');
  assert.ok(done.TaskIssueDetail.length > 0);
  const cancel = pop('CancelRepoSyncTask', { InstanceId: 'cri-src', SyncTaskId: started.SyncTaskId });
  assert.equal(await codeOf(cancel), 'SYNC_TASK_STATUS_INVALID');
});

test('errors come in ACR envelope codes the SDKs surface', async () => {
  assert.equal(
    await codeOf(pop('ListRepoSyncTask', { InstanceId: 'cri-src' }, 'POST', 'wrong')),
    'SignatureDoesNotMatch',
  );
  assert.equal(await codeOf(pop('ListRepoSyncTask', {})), 'MissingParameter');
  assert.equal(await codeOf(pop('ListRepoSyncTask', { InstanceId: 'cri-nope' })), 'INSTANCE_NOT_EXIST');
  assert.equal(await codeOf(pop('ListRepoSyncTask', { InstanceId: 'cri-src', PageSize: 500 })), 'InvalidParameter');
  assert.equal(await codeOf(pop('UpdateRepoSyncRule', { InstanceId: 'cri-src' })), 'InvalidAction.NotFound');
  const cross = pop('CreateRepoSyncRule', {
    InstanceId: 'cri-src',
    NamespaceName: 'corp',
    SyncScope: 'NAMESPACE',
    SyncRuleName: 'bad',
    TagFilter: '(',
    TargetInstanceId: 'cri-dst',
    TargetNamespaceName: 'dr',
    TargetRegionId: 'cn-b',
  });
  assert.equal(await codeOf(cross), 'InvalidParameter');
  const wrongRegion = pop('CreateRepoSyncRule', {
    InstanceId: 'cri-src',
    NamespaceName: 'corp',
    SyncScope: 'NAMESPACE',
    SyncRuleName: 'bad',
    TagFilter: '.*',
    TargetInstanceId: 'cri-dst',
    TargetNamespaceName: 'dr',
    TargetRegionId: 'cn-a',
  });
  assert.equal(await codeOf(wrongRegion), 'InvalidParameter');

  const unsigned = await request(`${server.url}/?Action=ListRepoSyncTask&Version=2018-12-01&InstanceId=cri-src`);
  const body = (await unsigned.body.json()) as Json;
  assert.equal(unsigned.statusCode, 400);
  assert.deepEqual(Object.keys(body).sort(), ['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
  assert.equal(body.Code, 'IncompleteSignature');
});

test('a signed request sent twice is refused the second time (SignatureNonceUsed)', async () => {
  const params: Record<string, string> = {
    Action: 'ListRepoSyncTask',
    Version: '2018-12-01',
    Format: 'JSON',
    AccessKeyId: AK,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID(),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    InstanceId: 'cri-src',
  };
  params.Signature = OpenApiUtil.default.getRPCSignature(params, 'POST', SK);
  const send = async () => {
    const res = await request(`${server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    return { status: res.statusCode, body: (await res.body.json()) as Json };
  };
  const first = await send();
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.Code, 'success');
  const replay = await send();
  assert.equal(replay.status, 400);
  assert.equal(replay.body.Code, 'SignatureNonceUsed');
});

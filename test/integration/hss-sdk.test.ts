// The real Huawei SDK core against a running Regatta: requests signed with the bootstrap AK/SK are accepted,
// a wrong SK is refused with the API gateway's 401 APIGW.0301, and errors reach the SDK's exception fields.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { huaweiClient, huaweiSdkSandbox } from '../support/huawei-sdk.js';
import { AK, PROJECT, SK, startServer, type TestServer } from './server.js';

let server: TestServer;
let undoSandbox: () => void;

before(async () => {
  undoSandbox = huaweiSdkSandbox();
  server = await startServer();
});
after(async () => {
  await server?.stop();
  undoSandbox?.();
});

const listRegistries = (queryParams: object = { limit: 10 }) => ({
  method: 'GET',
  url: '/v5/{project_id}/image/registries',
  queryParams,
  pathParams: {},
  headers: {},
  contentType: 'application/json',
});

test('AK/SK requests signed by the real SDK are accepted: list, add, list again', async () => {
  const client = huaweiClient(server.url, AK, SK, PROJECT);
  const empty = (await client.sendRequest(listRegistries())) as { total_num: number; httpStatusCode: number };
  assert.equal(empty.httpStatusCode, 200);
  assert.equal(empty.total_num, 0);
  const added = (await client.sendRequest({
    method: 'POST',
    url: '/v5/{project_id}/image/registries',
    queryParams: {},
    pathParams: {},
    headers: {},
    contentType: 'application/json',
    data: { registry_name: 'via sdk', registry_type: 'Other', protocol: 'http', registry_addr: '127.0.0.1:9' },
  })) as { id: string };
  assert.match(added.id, /^[0-9a-f-]{36}$/);
  const list = (await client.sendRequest(listRegistries({ registry_name: 'via sdk', limit: 10 }))) as {
    data_list: { id: string }[];
  };
  assert.deepEqual(
    list.data_list.map((r) => r.id),
    [added.id],
  );
});

test('a wrong SK is refused with 401 APIGW.0301, and HSS errors reach the SDK exception', async () => {
  const wrong = huaweiClient(server.url, AK, `${SK}x`, PROJECT);
  await assert.rejects(
    wrong.sendRequest(listRegistries()),
    (err: { httpStatusCode: number; errorCode: string; requestId: string }) => {
      assert.equal(err.httpStatusCode, 401);
      assert.equal(err.errorCode, 'APIGW.0301');
      assert.ok(err.requestId);
      return true;
    },
  );
  const client = huaweiClient(server.url, AK, SK, PROJECT);
  await assert.rejects(
    client.sendRequest(listRegistries({ limit: 500 })),
    (err: { httpStatusCode: number; errorCode: string; errorMsg: string }) => {
      assert.equal(err.httpStatusCode, 400);
      assert.equal(err.errorCode, 'HSS.0001');
      assert.match(err.errorMsg, /limit/);
      return true;
    },
  );
});

// Bad input gets a clear error in the facade's own format and nothing is stored: NUL characters in paths, queries
// and bodies, offsets past any bound, malformed ids, registry addresses that are not host[:port], numbers where
// text is expected, unknown routes and over-long path parameters, schema errors for callers not signed in, and a
// second registry claiming a region or instance id of the project. None of them is a 500.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { apiCall, hssCall, type Json, PROJECT, startServer, type TestServer } from './server.js';

let server: TestServer;

before(async () => {
  server = await startServer({ workers: false });
});
after(async () => {
  await server?.stop();
});

const raw = async (method: string, path: string, opts: { body?: string; token?: boolean } = {}) => {
  const res = await request(`${server.url}${path}`, {
    method: method as 'GET',
    headers: {
      ...(opts.token === false ? {} : { 'x-auth-token': 'test-token-0123456789' }),
      ...(opts.body ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.body,
  });
  return { status: res.statusCode, json: (await res.body.json()) as Json };
};

const registry = (extra: Json) => ({ registry_name: 'r', registry_type: 'Other', protocol: 'http', ...extra });

test('NUL characters in a path, a query or a body are a 400 in the family’s format', async () => {
  const hss = await raw('GET', `/v5/${PROJECT}/image/registries?registry_name=a%00b`);
  assert.deepEqual([hss.status, hss.json.error_code], [400, 'HSS.0002']);
  const native = await raw('GET', '/api/v1/rules/a%00b');
  assert.deepEqual([native.status, native.json.code], [400, 'BAD_REQUEST']);
  const body = await raw('POST', `/v5/${PROJECT}/image/registries`, {
    body: JSON.stringify(registry({ registry_name: 'a\u0000b', registry_addr: 'h:1' })),
  });
  assert.deepEqual([body.status, body.json.error_code], [400, 'HSS.0002']);
});

test('offsets past any bound and malformed ids are 400 or 404, never 500', async () => {
  const offset = await apiCall(server.url, 'GET', '/tasks?offset=1e20');
  assert.deepEqual([offset.status, offset.json.code], [400, 'INVALID_PARAMETER']);
  const retry = await apiCall(server.url, 'POST', '/batches/not-a-uuid/retry');
  assert.deepEqual([retry.status, retry.json.code], [404, 'NOT_FOUND']);
  for (const id of ['not-a-uuid', '------------------------------------']) {
    assert.equal((await apiCall(server.url, 'GET', `/tasks/${id}`)).status, 404, id);
    assert.equal((await apiCall(server.url, 'GET', `/rules/${id}`)).status, 404, id);
  }
});

test('a registry address must be host[:port]: schemes, credentials, queries and fragments are refused', async () => {
  for (const addr of ['file:', 'user:pass@host', 'host?y', 'host#x', 'http://host', 'host/path']) {
    const r = await hssCall(server.url, 'POST', '/image/registries', { body: registry({ registry_addr: addr }) });
    assert.deepEqual([r.status, r.json.error_code], [400, 'HSS.0001'], addr);
  }
  const list = await hssCall(server.url, 'GET', '/image/registries');
  assert.equal(list.json.total_num, 0, 'nothing was stored');
});

test('a number where text is expected is refused, not stored as text', async () => {
  const r = await hssCall(server.url, 'POST', '/image/registries', {
    body: registry({ registry_name: 123, registry_addr: '127.0.0.1:1' }),
  });
  assert.deepEqual([r.status, r.json.error_code], [400, 'HSS.0001']);
});

test('unknown routes and over-long path parameters answer in the family’s format', async () => {
  const hss = await raw('GET', `/v5/${PROJECT}/image/no-such-api`);
  assert.deepEqual([hss.status, hss.json.error_code], [404, 'APIGW.0101']);
  const native = await raw('GET', '/api/v1/no-such-route');
  assert.deepEqual([native.status, native.json.code], [404, 'NOT_FOUND']);
  const long = await raw('GET', `/api/v1/tasks/${'x'.repeat(300)}`);
  assert.deepEqual([long.status, long.json.code], [404, 'NOT_FOUND']);
});

test('a caller not signed in learns nothing from schema errors', async () => {
  const hss = await raw('POST', `/v5/${PROJECT}/image/registries`, { body: '{"bogus": true}', token: false });
  assert.equal(hss.status, 401);
  assert.doesNotMatch(JSON.stringify(hss.json), /registry_name|required/);
  const native = await raw('POST', '/api/v1/rules', { body: '{"bogus": true}', token: false });
  assert.equal(native.status, 401);
  assert.doesNotMatch(JSON.stringify(native.json), /source|required/);
});

test('a region or instance id already held by a registry of the project is refused', async () => {
  const first = await hssCall(server.url, 'POST', '/image/registries', {
    body: registry({ registry_name: 'one', registry_addr: '127.0.0.1:1', instance_id: 'cri-one', region_id: 'r1' }),
  });
  assert.equal(first.status, 200, JSON.stringify(first.json));
  for (const extra of [{ instance_id: 'cri-one' }, { region_id: 'r1' }]) {
    const dup = await hssCall(server.url, 'POST', '/image/registries', {
      body: registry({ registry_name: `two-${Object.keys(extra)[0]}`, registry_addr: '127.0.0.1:2', ...extra }),
    });
    assert.deepEqual([dup.status, dup.json.error_code], [400, 'HSS.1001'], JSON.stringify(extra));
  }
  // The holder itself may keep (or restate) its own ids.
  const self = await hssCall(server.url, 'PUT', `/image/registries/${first.json.id}`, {
    body: { instance_id: 'cri-one' },
  });
  assert.equal(self.status, 200, JSON.stringify(self.json));
});

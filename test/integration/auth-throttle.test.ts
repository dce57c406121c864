// Guessing credentials: after the allowed number of failures a source address is answered 429 with Retry-After
// in each API family's own format, a right token included, until the window ends; each failure is logged at warn
// without the secret; an unknown access key and a wrong secret get the same answer; a bootstrap token shorter
// than 16 characters is refused at start.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { request } from 'undici';
import { AK, type Json, PROJECT, startServer, type TestServer, TOKEN } from './server.js';

let server: TestServer;
const logs: string[] = [];
const LIMIT = 5;

before(async () => {
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  server = await startServer({
    workers: false,
    app: { authFailuresPerMinute: LIMIT, logger: { level: 'warn', stream } },
  });
});
after(async () => {
  await server?.stop();
});

const get = async (path: string, headers: Record<string, string>) => {
  const res = await request(`${server.url}${path}`, { headers });
  return { status: res.statusCode, headers: res.headers, json: (await res.body.json()) as Json };
};

/** A GET signed by the real Huawei SDK with `ak`/`sk`. */
function signed(path: string, ak: string, sk: string): Record<string, string> {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return AKSKSigner.sign(
    {
      method: 'GET',
      endpoint: `${server.url}${path}`,
      headers: { 'X-Sdk-Date': date },
      queryParams: {},
      data: undefined,
    },
    new BasicCredentials().withAk(ak).withSk(sk),
  ) as Record<string, string>;
}

test('an unknown access key and a wrong secret get the same answer', async () => {
  const path = `/v5/${PROJECT}/image/registries`;
  const unknown = await get(path, signed(path, 'UNKNOWNAK00000000000000', 'whatever-secret-0123456789'));
  const wrong = await get(path, signed(path, AK, 'not-the-secret-key-0123456789'));
  // Each echoes the key id it was sent (the caller's own) and its request id; nothing else differs.
  const same = (r: Json, ak: string) => [r.status, r.json.error_code, r.json.error_msg.replace(ak, 'AK')];
  assert.deepEqual(same(unknown, 'UNKNOWNAK00000000000000'), same(wrong, AK));
  assert.equal(unknown.status, 401);
});

test('after the limit, an address gets 429 with Retry-After in each family’s format, a right token too', async () => {
  // Two failures counted already (the test above); three more reach the limit.
  for (let i = 0; i < LIMIT - 2; i++) {
    assert.equal((await get('/api/v1/whoami', { 'x-auth-token': `guess-${i}-secret-value` })).status, 401);
  }
  const native = await get('/api/v1/whoami', { 'x-auth-token': TOKEN });
  assert.equal(native.status, 429);
  assert.equal(native.json.code, 'TOO_MANY_AUTH_FAILURES');
  assert.ok(Number(native.headers['retry-after']) > 0 && Number(native.headers['retry-after']) <= 60);
  const hss = await get(`/v5/${PROJECT}/image/registries`, { 'x-auth-token': TOKEN });
  assert.deepEqual([hss.status, hss.json.error_code], [429, 'APIGW.0308']);
  const acr = await get('/?Action=ListInstance', { 'x-auth-token': TOKEN });
  assert.deepEqual([acr.status, acr.json.Code], [429, 'Throttling.User']);
  const failures = logs.filter((l) => l.includes('authentication failed'));
  assert.equal(failures.length, LIMIT);
  assert.ok(
    failures.every((l) => JSON.parse(l).level === 40 && JSON.parse(l).address),
    'warn, with the address',
  );
  assert.ok(!failures.some((l) => l.includes('guess-') || l.includes('not-the-secret')), 'no secret in the log');
});

test('a bootstrap token or secret key shorter than 16 characters is refused at start', async () => {
  await assert.rejects(startServer({ env: { REGATTA_BOOTSTRAP_TOKEN: 'change-me' } }), {
    code: 'BOOTSTRAP_SECRET_WEAK',
    message: /REGATTA_BOOTSTRAP_TOKEN must be at least 16 characters/,
  });
});

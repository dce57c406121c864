import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { RegistryError } from '../oci/errors.js';
import { VendorApi } from './vendor-api.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const seen: Array<{ path: string; authorization?: string }> = [];
const server = createServer((req, res) => {
  seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
  const handler = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
  if (handler) return handler(req, res);
  res
    .writeHead(404, { 'content-type': 'application/json' })
    .end('{"errors":[{"status":404,"message":"File not found."}]}');
});
let origin = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const json =
  (status: number, body: unknown): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
const Names = z.array(z.object({ name: z.string() }));
const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

test('getJson sends Basic auth and returns validated data with the headers', async () => {
  routes.set('/list', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-total-count': '2' });
    res.end(JSON.stringify([{ name: 'a', extra: 1 }, { name: 'b' }]));
  });
  const api = new VendorApi({ origin, credentials: { username: 'u', password: 'p:w' } });
  try {
    const { data, headers } = await api.getJson('/list?page=1', Names, undefined);
    assert.deepEqual(data, [{ name: 'a' }, { name: 'b' }]);
    assert.equal(headers['x-total-count'], '2');
    const sent = seen.find((s) => s.path === '/list?page=1');
    assert.equal(sent?.authorization, `Basic ${Buffer.from('u:p:w').toString('base64')}`);
  } finally {
    await api.close();
  }
});

test('an answer of the wrong shape or a body over the limit is INVALID_RESPONSE', async () => {
  routes.set('/shape', json(200, [{ title: 'no name' }]));
  routes.set('/big', json(200, [{ name: 'x'.repeat(2000) }]));
  routes.set('/html', (_req, res) => res.writeHead(200).end('<html>'));
  const api = new VendorApi({ origin, limit: 1000 });
  try {
    await assert.rejects(api.getJson('/shape', Names), { code: 'INVALID_RESPONSE', message: /at 0\.name/ });
    await assert.rejects(api.getJson('/big', Names), { code: 'INVALID_RESPONSE', message: /larger than 1000 bytes/ });
    await assert.rejects(api.getJson('/html', Names), { code: 'INVALID_RESPONSE', message: /not JSON/ });
  } finally {
    await api.close();
  }
});

test('error bodies of Harbor and Artifactory become RegistryErrors; exists() is false only on 404', async () => {
  routes.set('/harbor', json(403, { errors: [{ code: 'FORBIDDEN', message: 'forbidden' }] }));
  routes.set('/jfrog', json(401, { errors: [{ status: 401, message: 'Bad credentials' }] }));
  const api = new VendorApi({ origin, retry: fastRetry });
  try {
    await assert.rejects(api.getJson('/harbor', Names), (err: unknown) => {
      assert.ok(err instanceof RegistryError);
      assert.equal(err.code, 'FORBIDDEN');
      assert.ok(err.isAuth);
      return true;
    });
    await assert.rejects(api.getJson('/jfrog', Names), { code: 'UNAUTHORIZED', message: /Bad credentials/ });
    assert.equal(await api.exists('/nothing-here'), false);
    await assert.rejects(api.exists('/jfrog'), { code: 'UNAUTHORIZED' });
  } finally {
    await api.close();
  }
});

test('5xx answers are retried, then succeed', async () => {
  let calls = 0;
  routes.set('/flaky', (req, res) => {
    calls++;
    if (calls < 3) return json(503, { errors: [{ code: 'UNAVAILABLE', message: 'later' }] })(req, res);
    json(200, [{ name: 'ok' }])(req, res);
  });
  const api = new VendorApi({ origin, retry: fastRetry });
  try {
    assert.deepEqual((await api.getJson('/flaky', Names)).data, [{ name: 'ok' }]);
    assert.equal(calls, 3);
  } finally {
    await api.close();
  }
});

test('a refused connection is a NETWORK_ERROR', async () => {
  const api = new VendorApi({ origin: 'http://127.0.0.1:1', retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  try {
    await assert.rejects(api.getJson('/x', Names), { code: 'NETWORK_ERROR', message: /ECONNREFUSED/ });
  } finally {
    await api.close();
  }
});

// The Distribution connector against real registries (anonymous, Basic, token auth): health checks that tell
// refused credentials from network, server and missing-API faults; catalog listing page by page with namespace
// split and filter; catalogs refused to an account; tags.
import assert from 'node:assert/strict';
import { Agent, createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import {
  type Connector,
  type ConnectorConfig,
  createConnector,
  type RepositoryRef,
} from '../../src/connectors/connector.js';
import { RegistryError } from '../../src/oci/errors.js';
import { forward } from '../support/fault-actions.js';
import { type BuiltImage, buildImage, pushImage } from '../support/fixtures.js';
import { closeServer, freePort, LOOPBACK, listen } from '../support/ports.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

let anon: TestRegistry;
let basic: TestRegistry;
let token: TestRegistry;
let image: BuiltImage;
const connectors: Connector[] = [];
const cleanups: Array<() => Promise<void>> = [];

before(async () => {
  [anon, basic, token] = await Promise.all([
    startRegistry(),
    startRegistry({ auth: 'basic' }),
    startRegistry({ auth: 'token', anonymousPull: true }),
  ]);
  image = await buildImage({ format: 'oci', seed: 'connectors-distribution' });
  for (const [repo, tag] of [
    ['team/app', '1'],
    ['team/app', '2'],
    ['team/web', '1'],
    ['solo', 'latest'],
    ['other/deep/path', 'x'],
  ] as const) {
    await pushImage(anon, repo, tag, image);
  }
  await pushImage(basic, 'private/app', '1', image);
  for (const repo of ['public/app', 'public/lib', 'secret/app']) await pushImage(token, repo, '1', image);
});

after(async () => {
  await Promise.all(connectors.map((c) => c.close()));
  await Promise.all(cleanups.map((c) => c()));
  await Promise.all([anon, basic, token].map((r) => r?.stop()));
});

function connect(registry: Pick<TestRegistry, 'host'>, extra: Partial<ConnectorConfig> = {}): Connector {
  const c = createConnector({ type: 'Other', address: registry.host, protocol: 'http', ...extra });
  connectors.push(c);
  return c;
}

function withCredentials(r: TestRegistry, password = r.password): Partial<ConnectorConfig> {
  return { username: r.username, password };
}

async function collect(refs: AsyncIterable<RepositoryRef>): Promise<RepositoryRef[]> {
  const out: RepositoryRef[] = [];
  for await (const ref of refs) out.push(ref);
  return out;
}

/** A loopback http server for one test, closed after all tests. */
async function serve(handler: RequestListener): Promise<{ host: string }> {
  const server = createHttpServer(handler);
  const port = await listen(server);
  cleanups.push(() => closeServer(server));
  return { host: `${LOOPBACK}:${port}` };
}

test('health is ok against anonymous, Basic and token registries, and learns that the catalog answers', async () => {
  for (const c of [connect(anon), connect(basic, withCredentials(basic)), connect(token, withCredentials(token))]) {
    assert.deepEqual(await c.healthCheck(), { ok: true });
    assert.equal(c.capabilities().catalog, true);
  }
});

test('a wrong password is AUTH_FAILED on Basic and on token auth, and the detail carries no secret', async () => {
  for (const registry of [basic, token]) {
    const result = await connect(registry, withCredentials(registry, 'wrong-password')).healthCheck();
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.equal(result.reason, 'AUTH_FAILED', result.detail);
    assert.match(result.detail, /credentials were refused/);
    assert.doesNotMatch(result.detail, /wrong-password|\n/);
  }
});

test('a Basic registry without credentials is AUTH_FAILED, saying none are set', async () => {
  const result = await connect(basic).healthCheck();
  assert.ok(!result.ok);
  assert.equal(result.reason, 'AUTH_FAILED');
  assert.match(result.detail, /none are set/);
});

test('nothing listening on the port is REQUEST_API_ERROR', async () => {
  const port = await freePort();
  const result = await connect({ host: `${LOOPBACK}:${port}` }).healthCheck();
  assert.ok(!result.ok);
  assert.equal(result.reason, 'REQUEST_API_ERROR');
  assert.match(result.detail, /connection refused/);
});

test('a server that accepts but never answers is REQUEST_API_ERROR after the timeout', async () => {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => sockets.add(s));
  const port = await listen(server);
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const started = Date.now();
  const result = await connect({ host: `${LOOPBACK}:${port}` }, { timeoutMs: 300 }).healthCheck();
  assert.ok(!result.ok);
  assert.equal(result.reason, 'REQUEST_API_ERROR');
  assert.match(result.detail, /no answer within the timeout/);
  assert.ok(Date.now() - started < 5_000);
});

test('a registry answering 503 is SERVER_ERROR; a server without /v2/ is REQUEST_API_ERROR', async () => {
  const failing = await serve((_req, res) => res.writeHead(503).end());
  const result = await connect(failing).healthCheck();
  assert.ok(!result.ok);
  assert.equal(result.reason, 'SERVER_ERROR');
  const website = await serve((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>no</h1>'));
  const missing = await connect(website).healthCheck();
  assert.ok(!missing.ok);
  assert.equal(missing.reason, 'REQUEST_API_ERROR');
  assert.match(missing.detail, /no registry API here/);
});

test('listRepositories streams catalog pages and splits off the namespace', async () => {
  const refs = await collect(connect(anon).listRepositories({ pageSize: 2 }));
  assert.deepEqual(refs, [
    { repository: 'other/deep/path', namespace: 'other', name: 'deep/path' },
    { repository: 'solo', namespace: '', name: 'solo' },
    { repository: 'team/app', namespace: 'team', name: 'app' },
    { repository: 'team/web', namespace: 'team', name: 'web' },
  ]);
});

test('a namespace limits listing to the repositories under it', async () => {
  const team = await collect(connect(anon, { namespace: 'team' }).listRepositories({ pageSize: 1 }));
  assert.deepEqual(
    team.map((r) => r.repository),
    ['team/app', 'team/web'],
  );
  const deep = await collect(connect(anon, { namespace: '/other/deep/' }).listRepositories());
  assert.deepEqual(
    deep.map((r) => r.repository),
    ['other/deep/path'],
  );
  assert.deepEqual(await collect(connect(anon, { namespace: 'nobody' }).listRepositories()), []);
});

test('a consumer that stops early stops the paging', async () => {
  const c = connect(anon);
  const first: string[] = [];
  for await (const ref of c.listRepositories({ pageSize: 1 })) {
    first.push(ref.repository);
    if (first.length === 2) break;
  }
  assert.deepEqual(first, ['other/deep/path', 'solo']);
});

test('listTags and the /v2/ client read what was pushed, with credentials where needed', async () => {
  const c = connect(anon);
  const [app] = (await collect(c.listRepositories())).filter((r) => r.repository === 'team/app');
  assert.ok(app);
  assert.deepEqual((await c.listTags(app)).sort(), ['1', '2']);
  assert.equal((await c.client.manifestHead(app.repository, '2'))?.digest, image.digest);

  const b = connect(basic, withCredentials(basic));
  const refs = await collect(b.listRepositories());
  assert.deepEqual(
    refs.map((r) => r.repository),
    ['private/app'],
  );
  assert.deepEqual(await b.listTags(refs[0]!), ['1']);

  const t = connect(token, { ...withCredentials(token), namespace: 'public' });
  const publicRefs = await collect(t.listRepositories());
  assert.deepEqual(
    publicRefs.map((r) => r.repository),
    ['public/app', 'public/lib'],
  );
  assert.deepEqual(await t.listTags(publicRefs[1]!), ['1']);
});

test('a catalog refused to an account the registry accepts is CATALOG_UNAVAILABLE, and health stays ok', async () => {
  // Anonymous callers of this token registry may pull, but get no `registry:catalog:*` scope.
  const c = connect(token);
  assert.deepEqual(await c.healthCheck(), { ok: true });
  assert.equal(c.capabilities().catalog, false);
  await assert.rejects(collect(c.listRepositories()), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'CATALOG_UNAVAILABLE');
    assert.match(err.message, /does not list its repositories to this account .*UNAUTHORIZED, HTTP 401/);
    return true;
  });
  assert.deepEqual(await c.listTags({ repository: 'public/app', namespace: 'public', name: 'app' }), ['1']);
});

test('a catalog refused to wrong credentials stays the auth error it is', async () => {
  const c = connect(token, withCredentials(token, 'wrong-password'));
  await assert.rejects(collect(c.listRepositories()), (err: unknown) => {
    assert.ok(err instanceof RegistryError, String(err));
    assert.ok(err.isAuth);
    return true;
  });
});

test('a registry whose /v2/_catalog is 404 lists nothing but CATALOG_UNAVAILABLE; health is ok', async () => {
  const agent = new Agent({ keepAlive: true });
  cleanups.push(async () => agent.destroy());
  const target = new URL(anon.url);
  const noCatalog = await serve((req, res) => {
    if (req.url?.startsWith('/v2/_catalog')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ errors: [{ code: 'NOT_FOUND', message: 'catalog disabled' }] }));
    }
    forward(req, res, target, agent, 'pass', () => {});
  });
  const c = connect(noCatalog);
  assert.deepEqual(await c.healthCheck(), { ok: true });
  assert.equal(c.capabilities().catalog, false);
  await assert.rejects(collect(c.listRepositories()), { code: 'CATALOG_UNAVAILABLE' });
  assert.deepEqual(await c.listTags({ repository: 'solo', namespace: '', name: 'solo' }), ['latest']);
});

test('an aborted health check rejects with the abort reason', async () => {
  const controller = new AbortController();
  controller.abort(new Error('stop'));
  await assert.rejects(connect(anon).healthCheck(controller.signal), /stop/);
});

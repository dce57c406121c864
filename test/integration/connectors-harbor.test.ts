// Harbor connector against a fake Harbor API (Harbor cannot run here): a small node:http server answering the
// documented v2.0 endpoints it uses (`/ping`, `/projects`, `/projects/{p}/repositories`, `…/artifacts`, paged
// with `page`/`page_size`, `X-Total-Count` and `Link`), and proxying `/v2/*` to a real token-auth registry, so
// tags, manifests and credentials on `/v2/` are real.
// API: https://github.com/goharbor/harbor/blob/main/api/v2.0/swagger.yaml
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  type Connector,
  type ConnectorConfig,
  createConnector,
  type RepositoryRef,
} from '../../src/connectors/connector.js';
import { RegistryError } from '../../src/oci/errors.js';
import { forward } from '../support/fault-actions.js';
import { type BuiltImage, buildImage, pushImage } from '../support/fixtures.js';
import { closeServer, LOOPBACK, listen } from '../support/ports.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

const PUSHED: Record<string, string[]> = {
  'library/hello': ['1', '2'],
  'ops/tool': ['1'],
  'team/app': ['1'],
  'team/sub/api': ['v1', 'v2'],
  'team/web': ['1'],
};
const PROJECTS = ['empty', 'library', 'ops', 'team'];

let registry: TestRegistry;
let ignorePaging = false;
let image: BuiltImage;
const connectors: Connector[] = [];
const fakes: FakeHarbor[] = [];

interface FakeHarbor {
  host: string;
  /** Request targets seen, in order. */
  requests: string[];
  stop(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function harborError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { errors: [{ code, message }] });
}

/** One page of `items` as Harbor serves it: X-Total-Count, and Link with prev/next (swagger list responses). */
function sendPage(res: ServerResponse, url: URL, items: unknown[]) {
  if (ignorePaging) return send(res, 200, items); // an old or odd server: everything, no paging headers
  const page = Number(url.searchParams.get('page') ?? 1);
  const size = Number(url.searchParams.get('page_size') ?? 10);
  if (size > 100) return harborError(res, 400, 'BAD_REQUEST', 'page_size must be <= 100');
  const links: string[] = [];
  const at = (p: number) => {
    const u = new URL(url);
    u.searchParams.set('page', String(p));
    return `<${u.pathname}${u.search}>`;
  };
  if (page > 1) links.push(`${at(page - 1)}; rel="prev"`);
  if (page * size < items.length) links.push(`${at(page + 1)}; rel="next"`);
  const headers: Record<string, string> = { 'x-total-count': String(items.length) };
  if (links.length > 0) headers.link = links.join(' , ');
  send(res, 200, items.slice((page - 1) * size, page * size), headers);
}

function authorized(req: IncomingMessage): boolean {
  const expected = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`;
  return req.headers.authorization === expected;
}

/** `/api/v2.0/*` as Harbor documents it; `vendor: false` makes it answer 404 like a registry without Harbor's API. */
function harborApi(req: IncomingMessage, res: ServerResponse, url: URL) {
  const path = url.pathname.slice('/api/v2.0'.length);
  if (path === '/ping') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('Pong');
  if (!authorized(req)) return harborError(res, 401, 'UNAUTHORIZED', 'unauthorized');
  if (path === '/projects') {
    return sendPage(
      res,
      url,
      PROJECTS.map((name, i) => ({ project_id: i + 1, name, repo_count: 0 })),
    );
  }
  const segments = path.split('/'); // ['', 'projects', P, 'repositories', R?, 'artifacts'?]
  if (segments[1] !== 'projects' || segments[3] !== 'repositories') return harborError(res, 404, 'NOT_FOUND', path);
  const project = decodeURIComponent(segments[2] ?? '');
  if (!PROJECTS.includes(project)) return harborError(res, 404, 'NOT_FOUND', `project ${project} not found`);
  if (segments.length === 4) {
    const repos = Object.keys(PUSHED).filter((r) => r.startsWith(`${project}/`));
    return sendPage(
      res,
      url,
      repos.map((name, i) => ({ id: i + 1, name, artifact_count: 1 })),
    );
  }
  // swagger `repositoryName`: a name with a slash arrives encoded twice; once decoded, it has no slash left.
  const once = decodeURIComponent(segments[4] ?? '');
  if (segments[5] !== 'artifacts' || segments.length !== 6 || once.includes('/')) {
    return harborError(res, 404, 'NOT_FOUND', `no route ${path}`);
  }
  const tags = PUSHED[`${project}/${decodeURIComponent(once)}`];
  if (!tags) return harborError(res, 404, 'NOT_FOUND', 'repository not found');
  if (url.searchParams.get('with_tag') !== 'true') return harborError(res, 400, 'BAD_REQUEST', 'with_tag expected');
  // One tagged artifact per tag, plus an untagged one (a platform manifest of an index has no tags).
  const artifacts = [
    ...tags.map((name, i) => ({ id: i + 1, digest: image.digest, tags: [{ id: i + 1, name }] })),
    { id: 99, digest: `sha256:${'0'.repeat(64)}`, tags: null },
  ];
  sendPage(res, url, artifacts);
}

async function startFakeHarbor(opts: { vendor?: boolean } = {}): Promise<FakeHarbor> {
  const agent = new Agent({ keepAlive: true });
  const target = new URL(registry.url);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://harbor.invalid');
    if (url.pathname.startsWith('/v2/')) return forward(req, res, target, agent, 'pass', () => {});
    if (opts.vendor !== false && url.pathname.startsWith('/api/v2.0/')) return harborApi(req, res, url);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
  });
  const port = await listen(server);
  const fake = {
    host: `${LOOPBACK}:${port}`,
    requests,
    async stop() {
      await closeServer(server);
      agent.destroy();
    },
  };
  fakes.push(fake);
  return fake;
}

before(async () => {
  registry = await startRegistry({ auth: 'token' });
  image = await buildImage({ format: 'oci', seed: 'connectors-harbor' });
  for (const [repo, tags] of Object.entries(PUSHED))
    for (const tag of tags) await pushImage(registry, repo, tag, image);
});

after(async () => {
  await Promise.all(connectors.map((c) => c.close()));
  await Promise.all(fakes.map((f) => f.stop()));
  await registry?.stop();
});

function connect(host: string, extra: Partial<ConnectorConfig> = {}): Connector {
  const c = createConnector({
    type: 'Harbor',
    address: host,
    protocol: 'http',
    username: registry.username,
    password: registry.password,
    ...extra,
  });
  connectors.push(c);
  return c;
}

async function collect(refs: AsyncIterable<RepositoryRef>): Promise<RepositoryRef[]> {
  const out: RepositoryRef[] = [];
  for await (const ref of refs) out.push(ref);
  return out;
}

test('Harbor connector against a fake Harbor API (Harbor cannot run here): health pings /api/v2.0/ping, then /v2/', async () => {
  const fake = await startFakeHarbor();
  const c = connect(fake.host);
  assert.deepEqual(await c.healthCheck(), { ok: true });
  assert.equal(fake.requests[0], '/api/v2.0/ping');
  assert.ok(fake.requests.includes('/v2/'));
  assert.deepEqual(c.capabilities(), {
    catalog: true,
    vendorListing: true,
    mount: true,
    referrers: true,
    deleteManifests: true,
  });
});

test('Harbor connector against a fake Harbor API: projects and repositories are listed page by page', async () => {
  const fake = await startFakeHarbor();
  const refs = await collect(connect(fake.host).listRepositories({ pageSize: 2 }));
  assert.deepEqual(refs, [
    { repository: 'library/hello', namespace: 'library', name: 'hello' },
    { repository: 'ops/tool', namespace: 'ops', name: 'tool' },
    { repository: 'team/app', namespace: 'team', name: 'app' },
    { repository: 'team/sub/api', namespace: 'team', name: 'sub/api' },
    { repository: 'team/web', namespace: 'team', name: 'web' },
  ]);
  assert.ok(fake.requests.includes('/api/v2.0/projects?with_detail=false&page=2&page_size=2'));
  assert.ok(fake.requests.includes('/api/v2.0/projects/team/repositories?page=2&page_size=2'));
  assert.ok(!fake.requests.some((r) => r.startsWith('/v2/_catalog')), 'the catalog is not used');
});

test('Harbor connector against a fake Harbor API: a server ignoring `page` is read once, not forever', async () => {
  const fake = await startFakeHarbor();
  ignorePaging = true;
  try {
    const refs = await collect(connect(fake.host).listRepositories({ pageSize: 2 }));
    assert.deepEqual(
      refs.map((r) => r.repository),
      Object.keys(PUSHED),
    );
  } finally {
    ignorePaging = false;
  }
});

test('Harbor connector against a fake Harbor API: a namespace lists one project; an unknown one is NAMESPACE_NOT_FOUND', async () => {
  const fake = await startFakeHarbor();
  const team = await collect(connect(fake.host, { namespace: 'team' }).listRepositories());
  assert.deepEqual(
    team.map((r) => r.repository),
    ['team/app', 'team/sub/api', 'team/web'],
  );
  assert.ok(!fake.requests.some((r) => r.startsWith('/api/v2.0/projects?')), 'no project listing');
  const sub = await collect(connect(fake.host, { namespace: 'team/sub' }).listRepositories());
  assert.deepEqual(
    sub.map((r) => r.repository),
    ['team/sub/api'],
  );
  await assert.rejects(collect(connect(fake.host, { namespace: 'nope' }).listRepositories()), {
    code: 'NAMESPACE_NOT_FOUND',
    message: /Harbor project "nope" not found/,
  });
});

test('Harbor connector against a fake Harbor API: tags come from the artifacts API, names with a slash encoded twice', async () => {
  const fake = await startFakeHarbor();
  const c = connect(fake.host);
  const api: RepositoryRef = { repository: 'team/sub/api', namespace: 'team', name: 'sub/api' };
  assert.deepEqual(await c.listTags(api), ['v1', 'v2']);
  assert.ok(
    fake.requests.includes(
      '/api/v2.0/projects/team/repositories/sub%252Fapi/artifacts?with_tag=true&page=1&page_size=100',
    ),
  );
  // The same path through the proxied `/v2/`: a real token-auth registry answers with the pushed manifest.
  assert.equal((await c.client.manifestHead(api.repository, 'v2'))?.digest, image.digest);
});

test('Harbor connector against a fake Harbor API: when the vendor API answers 404, the Distribution base lists', async () => {
  const fake = await startFakeHarbor({ vendor: false });
  const c = connect(fake.host);
  assert.deepEqual(await c.healthCheck(), { ok: true });
  assert.equal(c.capabilities().vendorListing, false);
  const refs = await collect(c.listRepositories({ pageSize: 2 }));
  assert.deepEqual(
    refs.map((r) => r.repository),
    Object.keys(PUSHED),
  );
  assert.ok(fake.requests.some((r) => r.startsWith('/v2/_catalog')));
  assert.deepEqual((await c.listTags(refs[0]!)).sort(), ['1', '2']);
});

test('Harbor connector against a fake Harbor API: a wrong password fails health (AUTH_FAILED) and listing', async () => {
  const fake = await startFakeHarbor();
  const c = connect(fake.host, { password: 'wrong-password' });
  const result = await c.healthCheck();
  assert.ok(!result.ok);
  assert.equal(result.reason, 'AUTH_FAILED');
  await assert.rejects(collect(c.listRepositories()), (err: unknown) => {
    assert.ok(err instanceof RegistryError);
    assert.ok(err.isAuth);
    assert.match(err.message, /\/api\/v2\.0\/projects.*UNAUTHORIZED/);
    return true;
  });
});

test('Harbor connector against a fake Harbor API over https with an untrusted certificate: TLS_ERROR', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'regatta-harbor-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'];
    await promisify(execFile)('openssl', [...args, '-keyout', key, '-out', cert]);
    const server = createHttpsServer({ key: await readFile(key), cert: await readFile(cert) }, (_req, res) => {
      res.writeHead(200).end('Pong');
    });
    const port = await listen(server);
    try {
      const result = await connect(`${LOOPBACK}:${port}`, { protocol: 'https' }).healthCheck();
      assert.ok(!result.ok);
      assert.equal(result.reason, 'TLS_ERROR', result.detail);
      assert.match(result.detail, /TLS handshake failed: GET https:\/\/127\.0\.0\.1:\d+\/api\/v2\.0\/ping/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

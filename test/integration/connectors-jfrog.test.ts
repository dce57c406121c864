// JFrog connector against a fake Artifactory API (Artifactory cannot run here): a small node:http server answering
// the documented endpoints the connector uses (`/artifactory/api/system/ping`, `/artifactory/api/repositories`,
// `/artifactory/api/docker/{repoKey}/v2/_catalog` with `n`/`last`), and proxying `/v2/*` to a real Basic-auth
// registry holding the images at `{repoKey}/{image}`, as the repository-path method addresses them.
// https://jfrog.com/help/r/jfrog-rest-apis/get-repositories
// https://jfrog.com/help/r/jfrog-rest-apis/list-docker-repositories
import assert from 'node:assert/strict';
import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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
import { closeServer, LOOPBACK, listen } from '../support/ports.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';

/** Images per repository key, pushed to the registry as `{key}/{image}`. */
const IMAGES: Record<string, string[]> = {
  'docker-local': ['app', 'team/web', 'tool'],
  'docker-prod': ['svc'],
  'docker-remote': ['library/alpine'],
};

interface RepositoryItem {
  key: string;
  type: 'LOCAL' | 'REMOTE' | 'VIRTUAL';
  packageType: string;
}

/** The repositories of the default fake: two local Docker repositories, a remote one, and a Maven one. */
const REPOSITORIES: RepositoryItem[] = [
  { key: 'docker-local', type: 'LOCAL', packageType: 'Docker' },
  { key: 'docker-prod', type: 'LOCAL', packageType: 'Docker' },
  { key: 'docker-remote', type: 'REMOTE', packageType: 'Docker' },
  { key: 'libs-release', type: 'LOCAL', packageType: 'Maven' },
];

let registry: TestRegistry;
let image: BuiltImage;
const connectors: Connector[] = [];
const fakes: FakeArtifactory[] = [];

interface FakeArtifactory {
  host: string;
  requests: string[];
  stop(): Promise<void>;
}

interface FakeOptions {
  /** false: every `/artifactory/*` path answers 404, as a plain registry does. */
  vendor?: boolean;
  repositories?: RepositoryItem[];
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Artifactory's error body: https://jfrog.com/help/r/jfrog-rest-apis/error-responses */
function artifactoryError(res: ServerResponse, status: number, message: string) {
  send(res, status, { errors: [{ status, message }] });
}

function authorized(req: IncomingMessage): boolean {
  const expected = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`;
  return req.headers.authorization === expected;
}

/** `?type=&packageType=` filter (both optional, case-insensitive), with the list item shape of Get Repositories. */
function repositoriesAnswer(host: string, url: URL, all: RepositoryItem[]) {
  const type = url.searchParams.get('type')?.toUpperCase();
  const packageType = url.searchParams.get('packageType')?.toLowerCase();
  return all
    .filter((r) => (!type || r.type === type) && (!packageType || r.packageType.toLowerCase() === packageType))
    .map((r) => ({ ...r, description: '', url: `http://${host}/artifactory/${r.key}` }));
}

/** List Docker Repositories: sorted names after `last`, at most `n`. */
function catalogAnswer(key: string, url: URL) {
  const n = Number(url.searchParams.get('n') ?? 100);
  const last = url.searchParams.get('last') ?? '';
  const names = [...(IMAGES[key] ?? [])].sort().filter((name) => name > last);
  return { repositories: names.slice(0, n) };
}

function artifactoryApi(req: IncomingMessage, res: ServerResponse, url: URL, host: string, opts: FakeOptions) {
  const path = url.pathname;
  if (path === '/artifactory/api/system/ping') return res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  if (!authorized(req)) return artifactoryError(res, 401, 'Bad credentials');
  if (path === '/artifactory/api/repositories') {
    return send(res, 200, repositoriesAnswer(host, url, opts.repositories ?? REPOSITORIES));
  }
  const m = /^\/artifactory\/api\/docker\/([^/]+)\/v2\/_catalog$/.exec(path);
  const key = m ? decodeURIComponent(m[1]!) : undefined;
  if (!key || !(opts.repositories ?? REPOSITORIES).some((r) => r.key === key)) {
    return artifactoryError(res, 404, 'Repository not found');
  }
  send(res, 200, catalogAnswer(key, url));
}

async function startFakeArtifactory(opts: FakeOptions = {}): Promise<FakeArtifactory> {
  const agent = new Agent({ keepAlive: true });
  const target = new URL(registry.url);
  const requests: string[] = [];
  let host = '';
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://artifactory.invalid');
    if (url.pathname.startsWith('/v2/')) return forward(req, res, target, agent, 'pass', () => {});
    if (opts.vendor !== false && url.pathname.startsWith('/artifactory/')) {
      return artifactoryApi(req, res, url, host, opts);
    }
    artifactoryError(res, 404, 'File not found.');
  });
  host = `${LOOPBACK}:${await listen(server)}`;
  const fake = {
    host,
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
  registry = await startRegistry({ auth: 'basic' });
  image = await buildImage({ format: 'oci', seed: 'connectors-jfrog' });
  for (const [key, images] of Object.entries(IMAGES)) {
    for (const name of images) await pushImage(registry, `${key}/${name}`, '1', image);
  }
  await pushImage(registry, 'docker-local/app', '2', image);
});

after(async () => {
  await Promise.all(connectors.map((c) => c.close()));
  await Promise.all(fakes.map((f) => f.stop()));
  await registry?.stop();
});

function connect(host: string, extra: Partial<ConnectorConfig> = {}): Connector {
  const c = createConnector({
    type: 'Jfrog',
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

test('JFrog connector against a fake Artifactory API (Artifactory cannot run here): health pings, then /v2/', async () => {
  const fake = await startFakeArtifactory();
  const c = connect(fake.host);
  assert.deepEqual(await c.healthCheck(), { ok: true });
  assert.equal(fake.requests[0], '/artifactory/api/system/ping');
  assert.ok(fake.requests.includes('/v2/'));
  assert.equal(c.capabilities().vendorListing, true);
});

test('JFrog connector against a fake Artifactory API: local Docker repositories, their catalogs page by page', async () => {
  const fake = await startFakeArtifactory();
  const refs = await collect(connect(fake.host).listRepositories({ pageSize: 2 }));
  assert.deepEqual(refs, [
    { repository: 'docker-local/app', namespace: 'docker-local', name: 'app' },
    { repository: 'docker-local/team/web', namespace: 'docker-local', name: 'team/web' },
    { repository: 'docker-local/tool', namespace: 'docker-local', name: 'tool' },
    { repository: 'docker-prod/svc', namespace: 'docker-prod', name: 'svc' },
  ]);
  assert.ok(fake.requests.includes('/artifactory/api/repositories?type=local&packageType=docker'));
  assert.ok(fake.requests.includes('/artifactory/api/docker/docker-local/v2/_catalog?n=2&last=team%2Fweb'));
  assert.ok(!fake.requests.some((r) => r.startsWith('/v2/_catalog')), 'the /v2/ catalog is not used');
});

test('JFrog connector against a fake Artifactory API: with no local Docker repository, every Docker one is listed', async () => {
  const fake = await startFakeArtifactory({
    repositories: REPOSITORIES.filter((r) => r.key !== 'docker-local' && r.key !== 'docker-prod'),
  });
  const refs = await collect(connect(fake.host).listRepositories());
  assert.deepEqual(
    refs.map((r) => r.repository),
    ['docker-remote/library/alpine'],
  );
  assert.ok(fake.requests.includes('/artifactory/api/repositories'));
});

test('JFrog connector against a fake Artifactory API: a namespace is a repository key; an unknown one is NAMESPACE_NOT_FOUND', async () => {
  const fake = await startFakeArtifactory();
  const prod = await collect(connect(fake.host, { namespace: 'docker-prod' }).listRepositories());
  assert.deepEqual(
    prod.map((r) => r.repository),
    ['docker-prod/svc'],
  );
  assert.ok(!fake.requests.some((r) => r.startsWith('/artifactory/api/repositories')), 'no repository listing');
  const team = await collect(connect(fake.host, { namespace: 'docker-local/team' }).listRepositories());
  assert.deepEqual(
    team.map((r) => r.repository),
    ['docker-local/team/web'],
  );
  await assert.rejects(collect(connect(fake.host, { namespace: 'nope' }).listRepositories()), {
    code: 'NAMESPACE_NOT_FOUND',
    message: /Artifactory repository "nope" not found/,
  });
});

test('JFrog connector against a fake Artifactory API: tags and manifests through the repository path /v2/{repoKey}/{image}', async () => {
  const fake = await startFakeArtifactory();
  const c = connect(fake.host);
  const web = (await collect(c.listRepositories())).find((r) => r.name === 'team/web');
  assert.ok(web);
  assert.deepEqual(await c.listTags(web), ['1']);
  assert.deepEqual(
    (await c.listTags({ repository: 'docker-local/app', namespace: 'docker-local', name: 'app' })).sort(),
    ['1', '2'],
  );
  assert.ok(fake.requests.some((r) => r.startsWith('/v2/docker-local/team/web/tags/list')));
  assert.equal((await c.client.manifestHead(web.repository, '1'))?.digest, image.digest);
});

test('JFrog connector against a fake Artifactory API: when /artifactory answers 404, the Distribution base lists', async () => {
  const fake = await startFakeArtifactory({ vendor: false });
  const c = connect(fake.host);
  assert.deepEqual(await c.healthCheck(), { ok: true });
  assert.equal(c.capabilities().vendorListing, false);
  const refs = await collect(c.listRepositories({ pageSize: 3 }));
  assert.deepEqual(
    refs.map((r) => r.repository),
    [
      'docker-local/app',
      'docker-local/team/web',
      'docker-local/tool',
      'docker-prod/svc',
      'docker-remote/library/alpine',
    ],
  );
  assert.ok(fake.requests.some((r) => r.startsWith('/v2/_catalog?n=3')));
});

test('JFrog connector against a fake Artifactory API: a wrong password fails health (AUTH_FAILED) and listing', async () => {
  const fake = await startFakeArtifactory();
  const c = connect(fake.host, { password: 'wrong-password' });
  const result = await c.healthCheck();
  assert.ok(!result.ok);
  assert.equal(result.reason, 'AUTH_FAILED');
  assert.doesNotMatch(result.detail, /wrong-password/);
  await assert.rejects(collect(c.listRepositories()), (err: unknown) => {
    assert.ok(err instanceof RegistryError);
    assert.ok(err.isAuth);
    assert.match(err.message, /\/artifactory\/api\/repositories.*Bad credentials/);
    return true;
  });
});

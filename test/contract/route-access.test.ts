// The route-table walk (issue 12): every route of every API family declares the permission it needs, and the one
// guard enforces it on each. For every route the app registered, through `app.inject()`:
// - a route without a declared permission fails the test (the guard would refuse it too, fail closed);
// - a project route called by a viewer of another project, naming this project, is refused 403 in its family's
//   format (project isolation holds on every route, whatever its handler does);
// - a write or admin route called by a viewer of the project is refused 403; a read route is let through;
// - a server-level route is refused to a project admin; a signed-in route without a credential is 401;
// - every ACR action declares a permission, and a viewer's token is refused each write action.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ACR_ACCESS, ACR_ACTIONS, ACR_VERSION } from '../../src/api/acr/index.js';
import type { RouteEntry } from '../../src/api/app.js';
import type { Permission } from '../../src/api/auth/access.js';
import { startServer, type TestServer } from '../integration/server.js';

let server: TestServer;
let routes: RouteEntry[];
const project = { a: '', b: '' };
const token = { viewerA: '', viewerB: '', adminA: '' };

before(async () => {
  // Many refusals from one address on purpose: the throttle is set out of the way.
  server = await startServer({ workers: false, app: { authFailuresPerMinute: 1_000_000 } });
  routes = server.app.routeTable.filter((r) => r.method !== 'HEAD');
  const { projects, principals, credentials } = server.runtime.ctx;
  project.a = (await projects.create('walk-a')).id;
  project.b = (await projects.create('walk-b')).id;
  const tokenFor = async (projectId: string, name: string, role: 'viewer' | 'admin') => {
    const account = await principals.createServiceAccount(projectId, name, role);
    const init = { principalId: account.id, name, projectId, expiresAt: null, createdBy: 'test' };
    return (await credentials.createToken(init)).token;
  };
  token.viewerA = await tokenFor(project.a, 'viewer-a', 'viewer');
  token.viewerB = await tokenFor(project.b, 'viewer-b', 'viewer');
  token.adminA = await tokenFor(project.a, 'admin-a', 'admin');
});
after(async () => {
  await server?.stop();
});

const PERMISSIONS: readonly Permission[] = [
  'public',
  'signed-in',
  'read',
  'write',
  'admin',
  'superadmin',
  'metrics',
  'per-action',
];
const PROJECT_PERMISSIONS = new Set<Permission>(['read', 'write', 'admin']);

/** The route's URL with its parameters filled: the project for `:project_id`, a well-formed id elsewhere. */
function urlOf(route: RouteEntry, projectId: string): string {
  return route.url
    .replace(':project_id', projectId)
    .replace(/:[a-z_]+/g, '00000000-0000-4000-8000-000000000000')
    .replace(/\*$/, 'x');
}

async function inject(route: RouteEntry, projectId: string, tokenValue: string | undefined) {
  const url = urlOf(route, projectId);
  const res = await server.app.inject({
    method: route.method as 'GET',
    url,
    headers: {
      ...(tokenValue ? { 'x-auth-token': tokenValue } : {}),
      ...(url.startsWith('/v5/') ? {} : { 'x-project-id': projectId }),
      ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
    },
    ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: '{}' }),
  });
  let body: Record<string, unknown> = {};
  try {
    body = res.json();
  } catch {
    // Not JSON (a console page, a metrics text): only the status matters then.
  }
  return { status: res.statusCode, body, url };
}

/** The refusal's code in the route's family format. */
function codeOf(url: string, body: Record<string, unknown>): unknown {
  if (url.startsWith('/v5/')) return body.error_code;
  if (url.startsWith('/v2/manage/')) return body.error_code;
  if (url.startsWith('/api/v1/scan') || url.startsWith('/api/v1/metadata')) return 'adapter';
  return body.code;
}
const FORBIDDEN_CODE = (url: string) =>
  url.startsWith('/v5/')
    ? 'HSS.0010'
    : url.startsWith('/v2/manage/')
      ? 'SVCSTG.SWR.4030000'
      : url.startsWith('/api/v1/scan') || url.startsWith('/api/v1/metadata')
        ? 'adapter'
        : 'FORBIDDEN';

test('every route declares a permission', () => {
  assert.ok(routes.length > 60, `${routes.length} routes registered`);
  const undeclared = routes.filter((r) => !r.access || !PERMISSIONS.includes(r.access));
  assert.deepEqual(
    undeclared.map((r) => `${r.method} ${r.url}`),
    [],
  );
  // The families are all there: a plugin that stopped registering would shrink the walk unnoticed.
  for (const prefix of ['/v5/:project_id/', '/v2/manage/', '/api/v1/', '/v3/auth/tokens', '/metrics']) {
    assert.ok(
      routes.some((r) => r.url.startsWith(prefix)),
      `routes under ${prefix}`,
    );
  }
});

test('project isolation: a viewer of another project is refused every project route, in its family format', async () => {
  const walked: string[] = [];
  for (const route of routes.filter((r) => PROJECT_PERMISSIONS.has(r.access!))) {
    const res = await inject(route, project.a, token.viewerB);
    assert.equal(res.status, 403, `${route.method} ${route.url} → ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(codeOf(res.url, res.body), FORBIDDEN_CODE(res.url), `${route.method} ${route.url}`);
    walked.push(`${route.method} ${route.url}`);
  }
  assert.ok(walked.length > 50, `${walked.length} project routes walked`);
});

test('a viewer reads every read route of its project and is refused every write and admin route', async () => {
  for (const route of routes.filter((r) => PROJECT_PERMISSIONS.has(r.access!))) {
    const res = await inject(route, project.a, token.viewerA);
    const what = `${route.method} ${route.url} (${route.access}) → ${res.status} ${JSON.stringify(res.body)}`;
    if (route.access === 'read') assert.ok(res.status !== 401 && res.status !== 403, what);
    else {
      assert.equal(res.status, 403, what);
      assert.equal(codeOf(res.url, res.body), FORBIDDEN_CODE(res.url), what);
    }
  }
});

test("server-level routes refuse a project's admin; signed-in routes refuse a request without credentials", async () => {
  for (const route of routes.filter((r) => r.access === 'superadmin' || r.access === 'metrics')) {
    const res = await inject(route, project.a, token.adminA);
    assert.equal(res.status, 403, `${route.method} ${route.url} → ${res.status}`);
  }
  for (const route of routes.filter((r) => r.access !== 'public' && r.access !== 'per-action')) {
    const res = await inject(route, project.a, undefined);
    assert.equal(res.status, 401, `${route.method} ${route.url} without credentials → ${res.status}`);
  }
});

test('every ACR action declares a permission; a viewer is refused each write action with Forbidden.NoPermission', async () => {
  assert.deepEqual(
    ACR_ACTIONS.filter((a) => !ACR_ACCESS[a]),
    [],
  );
  for (const action of ACR_ACTIONS) {
    const res = await server.app.inject({
      method: 'POST',
      url: `/?Action=${action}&Version=${ACR_VERSION}&InstanceId=cri-none`,
      headers: { 'x-auth-token': token.viewerA },
    });
    const body = res.json() as { Code: string };
    if (ACR_ACCESS[action] === 'read') assert.notEqual(body.Code, 'Forbidden.NoPermission', action);
    else {
      assert.equal(res.statusCode, 403, `${action}: ${JSON.stringify(body)}`);
      assert.equal(body.Code, 'Forbidden.NoPermission', action);
    }
  }
});

// Identity and access through the real API and the vendors' SDKs: the bootstrap superadmin creates two projects,
// people with passwords and roles (admin per project, a viewer and an operator), who sign in and make their own
// AK/SK pairs; each role's allowed and refused calls are checked on every API family (HSS and SWR through the
// Huawei SDK, ACR through Alibaba's pop-core, the native API, Harbor's scanner API, /metrics), each refusal in
// its family's own format; project isolation across the two projects; IAM's POST /v3/auth/tokens; revocation
// and expiry; and an audit entry for every mutating call the test made.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import RPCClient from '@alicloud/pop-core';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { ListImageAutoSyncReposDetailsRequest, SwrClient } from '@huaweicloud/huaweicloud-sdk-swr/v2/public-api.js';
import { request } from 'undici';
import { freshPostgresDatabase } from '../support/database.js';
import { huaweiClient, huaweiSdkSandbox } from '../support/huawei-sdk.js';
import { type Json, startServer, type TestServer, TOKEN } from './server.js';

type Role = 'admin' | 'operator' | 'viewer';
interface Person {
  name: string;
  password: string;
  token: string;
  ak: string;
  sk: string;
}

/** Every request id of a mutating call this test made, for the audit check. */
const mutations: { id: string; status: number }[] = [];

async function call(
  server: TestServer,
  method: string,
  path: string,
  opts: { token?: string; project?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: Json; headers: Record<string, unknown> }> {
  const res = await request(new URL(path, server.url), {
    method: method as 'GET',
    headers: {
      ...(opts.token === '' ? {} : { 'x-auth-token': opts.token ?? TOKEN }),
      ...(opts.project ? { 'x-project-id': opts.project } : {}),
      ...(opts.body ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    body: opts.body ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.body.text();
  if (method !== 'GET') mutations.push({ id: String(res.headers['x-request-id']), status: res.statusCode });
  let json: Json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { text };
  }
  return { status: res.statusCode, json, headers: res.headers };
}

const registryBody = (name: string) => ({
  registry_name: name,
  registry_type: 'Other',
  protocol: 'http',
  registry_addr: '127.0.0.1:9',
  instance_id: `cri-${name}`,
});

/** An SDK call's rejection, as `[httpStatus, code]`. */
async function refusal(p: Promise<unknown>): Promise<[number, string]> {
  try {
    await p;
  } catch (err) {
    const e = err as { httpStatusCode?: number; statusCode?: number; errorCode?: string; code?: string };
    return [Number(e.httpStatusCode ?? e.statusCode), String(e.errorCode ?? e.code)];
  }
  return [200, 'success'];
}

const engines = [{ name: 'pglite', url: undefined as string | undefined }];
if (process.env.DATABASE_URL) engines.push({ name: 'postgres', url: process.env.DATABASE_URL });

for (const engine of engines) {
  describe(`identity and roles on ${engine.name}`, () => {
    let server: TestServer;
    let undo: () => void;
    const projects: Record<'a' | 'b', string> = { a: '', b: '' };
    const people: Record<string, Person> = {};
    const roles: [string, 'a' | 'b', Role][] = [
      ['alice', 'a', 'admin'],
      ['bruno', 'b', 'admin'],
      ['vera', 'a', 'viewer'],
      ['otto', 'a', 'operator'],
    ];

    let dropDatabase = async () => {};
    before(async () => {
      mutations.length = 0;
      undo = huaweiSdkSandbox();
      const fresh = engine.url ? await freshPostgresDatabase(engine.url) : undefined;
      if (fresh) dropDatabase = fresh.drop;
      server = await startServer({ databaseUrl: fresh?.url, workers: false });
    });
    after(async () => {
      await server?.stop();
      await dropDatabase();
      undo?.();
    });

    test('a superadmin creates two projects and four people; each signs in and makes a key pair', async () => {
      for (const key of ['a', 'b'] as const) {
        const made = await call(server, 'POST', '/api/v1/projects', { body: { name: `team-${key}` } });
        assert.equal(made.status, 201, JSON.stringify(made.json));
        assert.match(made.json.id, /^[0-9a-f]{32}$/);
        projects[key] = made.json.id;
      }
      const dup = await call(server, 'POST', '/api/v1/projects', { body: { name: 'team-a' } });
      assert.equal(dup.status, 409);
      for (const [name, key, role] of roles) {
        const password = `pw-${name}-0123456789`;
        const user = await call(server, 'POST', '/api/v1/users', { body: { name, password } });
        assert.equal(user.status, 201, JSON.stringify(user.json));
        assert.equal(user.json.sign_in, 'password');
        assert.equal('password_hash' in user.json, false);
        const member = await call(server, 'POST', '/api/v1/members', { project: projects[key], body: { name, role } });
        assert.equal(member.status, 200, JSON.stringify(member.json));
        assert.equal(member.json.role, role);
        const session = await call(server, 'POST', '/api/v1/session', { token: '', body: { name, password } });
        assert.equal(session.status, 201, JSON.stringify(session.json));
        const key1 = await call(server, 'POST', '/api/v1/credentials', {
          token: session.json.token,
          body: { kind: 'access_key', name: `${name}-sdk` },
        });
        assert.equal(key1.status, 201, JSON.stringify(key1.json));
        assert.equal(key1.json.project_id, projects[key], 'a key pair acts in the person’s only project');
        assert.match(key1.json.access_key, /^[A-Z0-9]{20}$/);
        assert.equal(key1.json.secret_key.length, 40);
        people[name] = {
          name,
          password,
          token: session.json.token,
          ak: key1.json.access_key,
          sk: key1.json.secret_key,
        };
        // Shown once: the list never carries a secret.
        const listed = await call(server, 'GET', '/api/v1/credentials', { token: session.json.token });
        assert.ok(listed.json.every((c: Json) => !('secret_key' in c) && !('token' in c)));
      }
      // A person changes their own password: the current one is asked again; the old one stops working.
      const vera = people.vera!;
      const change = (current: string, next: string) =>
        call(server, 'PUT', '/api/v1/session/password', {
          token: vera.token,
          body: { current_password: current, new_password: next },
        });
      assert.equal((await change('not-the-password', 'whatever-whatever')).status, 401);
      assert.equal((await change(vera.password, 'short')).status, 400);
      assert.equal((await change(vera.password, `${vera.password}-2`)).status, 204);
      vera.password = `${vera.password}-2`;
      const oldOne = await call(server, 'POST', '/api/v1/session', {
        token: '',
        body: { name: 'vera', password: 'pw-vera-0123456789' },
      });
      assert.equal(oldOne.status, 401);
      // A key pair for a project the person has no role in is refused.
      const elsewhere = await call(server, 'POST', '/api/v1/credentials', {
        token: vera.token,
        project: projects.b,
        body: { kind: 'access_key', name: 'nope' },
      });
      assert.equal(elsewhere.status, 403);
      const wrong = await call(server, 'POST', '/api/v1/session', {
        token: '',
        body: { name: 'vera', password: 'nope-nope-nope' },
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json.code, 'UNAUTHENTICATED');
    });

    test('native API: viewer reads, operator writes, admin manages members; others refused with 403 FORBIDDEN', async () => {
      const as = (name: string) => ({ token: people[name]!.token, project: projects.a });
      assert.equal((await call(server, 'GET', '/api/v1/rules', as('vera'))).status, 200);
      const viewerWrite = await call(server, 'POST', '/api/v1/rules', { ...as('vera'), body: {} });
      assert.equal(viewerWrite.status, 403);
      assert.equal(viewerWrite.json.code, 'FORBIDDEN');
      // The operator passes authorisation: the empty rule is then refused by validation, not by role.
      assert.equal((await call(server, 'POST', '/api/v1/rules', { ...as('otto'), body: {} })).status, 400);
      const opMembers = await call(server, 'POST', '/api/v1/service-accounts', {
        ...as('otto'),
        body: { name: 'ci', role: 'viewer' },
      });
      assert.equal(opMembers.status, 403);
      const sa = await call(server, 'POST', '/api/v1/service-accounts', {
        ...as('alice'),
        body: { name: 'ci', role: 'viewer' },
      });
      assert.equal(sa.status, 201, JSON.stringify(sa.json));
      const saToken = await call(server, 'POST', '/api/v1/credentials', {
        ...as('alice'),
        body: { kind: 'token', name: 'ci-token', principal_id: sa.json.id, expires_in_days: 30 },
      });
      assert.equal(saToken.status, 201, JSON.stringify(saToken.json));
      assert.match(saToken.json.token, /^rgt_/);
      const me = await call(server, 'GET', '/api/v1/whoami', { token: saToken.json.token });
      assert.deepEqual(
        [me.json.name, me.json.kind, me.json.role, me.json.project_id],
        ['ci', 'service', 'viewer', projects.a],
      );
      // An operator cannot make keys for others; an admin of project A cannot reach project B.
      const opKey = await call(server, 'POST', '/api/v1/credentials', {
        ...as('otto'),
        body: { kind: 'token', name: 'x', principal_id: sa.json.id },
      });
      assert.equal(opKey.status, 403);
      const cross = await call(server, 'GET', '/api/v1/rules', { token: people.alice!.token, project: projects.b });
      assert.equal(cross.status, 403);
      assert.equal((await call(server, 'GET', '/api/v1/audit', as('otto'))).status, 403);
      assert.equal((await call(server, 'GET', '/api/v1/audit', as('alice'))).status, 200);
      assert.equal(
        (await call(server, 'POST', '/api/v1/projects', { ...as('alice'), body: { name: 'x' } })).status,
        403,
      );
      assert.equal((await call(server, 'GET', '/metrics', as('alice'))).status, 403);
      assert.equal((await call(server, 'GET', '/metrics')).status, 200, 'the bootstrap superadmin scrapes');
    });

    test('HSS through the Huawei SDK: viewer lists, operator adds, viewer refused 403 HSS.0010; isolation', async () => {
      const sdk = (name: string, project = projects.a) =>
        huaweiClient(server.url, people[name]!.ak, people[name]!.sk, project);
      const list = {
        method: 'GET',
        url: '/v5/{project_id}/image/registries',
        queryParams: { limit: 10 },
        pathParams: {},
        headers: {},
        contentType: 'application/json',
      };
      const add = (name: string) => ({ ...list, method: 'POST', queryParams: {}, data: registryBody(name) });
      assert.equal(((await sdk('vera').sendRequest(list)) as Json).httpStatusCode, 200);
      assert.deepEqual(await refusal(sdk('vera').sendRequest(add('by-viewer'))), [403, 'HSS.0010']);
      const added = (await sdk('otto').sendRequest(add('by-operator'))) as Json;
      assert.match(added.id, /^[0-9a-f-]{36}$/);
      // Alice's key acts in project A only; Bruno (admin of B) sees none of A's registries in B.
      assert.deepEqual(await refusal(sdk('alice', projects.b).sendRequest(list)), [403, 'HSS.0010']);
      const inB = (await sdk('bruno', projects.b).sendRequest(list)) as Json;
      assert.equal(inB.total_num, 0);
      assert.deepEqual(await refusal(sdk('bruno', projects.a).sendRequest(list)), [403, 'HSS.0010']);
    });

    test('SWR through the Huawei SDK: viewer reads, and its write is refused 403 SVCSTG.SWR.4030000', async () => {
      const swr = (name: string) =>
        SwrClient.newBuilder()
          .withCredential(
            new BasicCredentials().withAk(people[name]!.ak).withSk(people[name]!.sk).withProjectId(projects.a),
          )
          .withEndpoint(server.url)
          .build();
      const read = await refusal(
        swr('vera').listImageAutoSyncReposDetails(
          Object.assign(new ListImageAutoSyncReposDetailsRequest(), { namespace: 'corp', repository: 'app' }),
        ),
      );
      assert.notEqual(read[0], 403, 'a viewer may read SWR');
      const write = await call(server, 'POST', '/v2/manage/namespaces/corp/repos/app/sync_repo', {
        token: people.vera!.token,
        project: projects.a,
        body: { remoteRegionId: 'x', remoteNamespace: 'y' },
      });
      assert.equal(write.status, 403);
      assert.equal(write.json.error_code, 'SVCSTG.SWR.4030000');
      const opWrite = await call(server, 'POST', '/v2/manage/namespaces/corp/repos/app/sync_repo', {
        token: people.otto!.token,
        project: projects.a,
        body: { remoteRegionId: 'x', remoteNamespace: 'y' },
      });
      assert.notEqual(opWrite.status, 403, 'an operator passes authorisation');
    });

    test('ACR through pop-core: viewer lists, its writes are Forbidden.NoPermission; operator passes', async () => {
      const pop = (name: string) =>
        new RPCClient({
          accessKeyId: people[name]!.ak,
          accessKeySecret: people[name]!.sk,
          endpoint: server.url,
          apiVersion: '2018-12-01',
        });
      const listed = (await pop('vera').request(
        'ListRepoSyncRule',
        { InstanceId: 'cri-by-operator' },
        { method: 'POST' },
      )) as Json;
      assert.equal(listed.Code, 'success');
      const del = { InstanceId: 'cri-by-operator', SyncRuleId: 'crsr-0000000000000000' };
      const [, refused] = await refusal(pop('vera').request('DeleteRepoSyncRule', del, { method: 'POST' }));
      assert.equal(refused, 'Forbidden.NoPermission');
      const [, code] = await refusal(pop('otto').request('DeleteRepoSyncRule', del, { method: 'POST' }));
      assert.notEqual(code, 'Forbidden.NoPermission');
    });

    test("Harbor's scanner API: a viewer reads metadata, cannot start a scan", async () => {
      const bearer = (name: string) => ({
        token: '',
        headers: { authorization: `Bearer ${people[name]!.token}`, 'x-project-id': projects.a },
      });
      assert.equal((await call(server, 'GET', '/api/v1/metadata', bearer('vera'))).status, 200);
      const scan = await call(server, 'POST', '/api/v1/scan', { ...bearer('vera'), body: {} });
      assert.equal(scan.status, 403);
    });

    test('POST /v3/auth/tokens: a 24-hour project token that HSS, SWR and native calls accept until it expires', async () => {
      const body = (name: string, password: string, project: Json) => ({
        auth: {
          identity: { methods: ['password'], password: { user: { name, password, domain: { name: 'corp' } } } },
          scope: { project },
        },
      });
      const issued = await call(server, 'POST', '/v3/auth/tokens', {
        token: '',
        body: body('otto', people.otto!.password, { id: projects.a }),
      });
      assert.equal(issued.status, 201, JSON.stringify(issued.json));
      const token = String(issued.headers['x-subject-token']);
      assert.match(token, /^rgt_/);
      assert.equal(issued.json.token.project.id, projects.a);
      assert.deepEqual(issued.json.token.roles, [{ id: 'operator', name: 'operator' }]);
      const hours = (Date.parse(issued.json.token.expires_at) - Date.now()) / 3_600_000;
      assert.ok(hours > 23.9 && hours <= 24, `expires in ${hours} h`);
      const byName = await call(server, 'POST', '/v3/auth/tokens', {
        token: '',
        body: body('otto', people.otto!.password, { name: 'team-a' }),
      });
      assert.equal(byName.status, 201);
      assert.equal((await call(server, 'GET', `/v5/${projects.a}/image/registries`, { token })).status, 200);
      assert.equal(
        (await call(server, 'GET', '/v2/manage/namespaces/corp/repos/app/sync_job', { token })).status === 403,
        false,
      );
      assert.equal((await call(server, 'GET', '/api/v1/rules', { token })).status, 200);
      assert.equal((await call(server, 'GET', `/v5/${projects.b}/image/registries`, { token })).status, 403);
      const wrong = await call(server, 'POST', '/v3/auth/tokens', {
        token: '',
        body: body('otto', 'wrong-password-x', { id: projects.a }),
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json.error.code, 401);
      const noRole = await call(server, 'POST', '/v3/auth/tokens', {
        token: '',
        body: body('otto', people.otto!.password, { id: projects.b }),
      });
      assert.equal(noRole.status, 403);
      // Expired: the next request fails.
      await server.runtime.ctx.db
        .updateTable('credentials')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('name', '=', 'IAM token')
        .execute();
      const expired = await call(server, 'GET', `/v5/${projects.a}/image/registries`, { token });
      assert.equal(expired.status, 401);
      assert.equal(expired.json.error_code, 'APIGW.0307');
    });

    test('a revoked credential fails on its next request; a disabled person’s keys stop working', async () => {
      const mine = await call(server, 'GET', '/api/v1/credentials', { token: people.vera!.token });
      const key = mine.json.find((c: Json) => c.kind === 'access_key');
      assert.ok(key.last_used_at, 'last use recorded');
      const sdk = huaweiClient(server.url, people.vera!.ak, people.vera!.sk, projects.a);
      const list = {
        method: 'GET',
        url: '/v5/{project_id}/image/registries',
        queryParams: {},
        pathParams: {},
        headers: {},
        contentType: 'application/json',
      };
      const revoked = await call(server, 'DELETE', `/api/v1/credentials/${key.id}`, {
        token: people.alice!.token,
        project: projects.a,
      });
      assert.equal(revoked.status, 200, JSON.stringify(revoked.json));
      assert.ok(revoked.json.revoked_at);
      assert.deepEqual(await refusal(sdk.sendRequest(list)), [401, 'APIGW.0301']);
      // Bruno (admin of B) may not revoke project A's credentials.
      const ottoKey = (await call(server, 'GET', '/api/v1/credentials', { token: people.otto!.token })).json.find(
        (c: Json) => c.kind === 'access_key',
      );
      assert.equal(
        (await call(server, 'DELETE', `/api/v1/credentials/${ottoKey.id}`, { token: people.bruno!.token })).status,
        403,
      );
      const users = (await call(server, 'GET', '/api/v1/users')).json as Json[];
      const otto = users.find((u) => u.name === 'otto')!;
      assert.equal((await call(server, 'PATCH', `/api/v1/users/${otto.id}`, { body: { disabled: true } })).status, 200);
      assert.equal((await call(server, 'GET', '/api/v1/rules', { token: people.otto!.token })).status, 401);
    });

    test('deleting a project that holds registries needs force', async () => {
      const refused = await call(server, 'DELETE', `/api/v1/projects/${projects.a}`);
      assert.equal(refused.status, 409);
      assert.equal((await call(server, 'DELETE', `/api/v1/projects/${projects.b}`)).status, 204);
      assert.equal((await call(server, 'DELETE', `/api/v1/projects/${projects.a}?force=true`)).status, 204);
      assert.equal((await call(server, 'GET', '/api/v1/rules', { token: people.alice!.token })).status, 403);
    });

    test('the audit log has an entry for every mutating call of this test, failed sign-ins among them', async () => {
      const seen = new Map<string, Json>();
      let before: number | undefined;
      for (;;) {
        const page = await call(server, 'GET', `/api/v1/audit?all=true&limit=1000${before ? `&before=${before}` : ''}`);
        assert.equal(page.status, 200, JSON.stringify(page.json));
        for (const e of page.json.entries) seen.set(e.request_id, e);
        if (page.json.next_before === null) break;
        before = page.json.next_before;
      }
      const missing = mutations.filter((m) => !seen.has(m.id));
      assert.deepEqual(missing, []);
      for (const m of mutations) assert.equal(seen.get(m.id)!.status, m.status);
      // The SDKs' writes too: HSS AddRegistry (the viewer's refused, the operator's made), ACR's delete (refused
      // for the viewer, let through for the operator); ACR's reads are not state-changing and not logged.
      const entries = [...seen.values()];
      const outcomes = (action: string) =>
        entries
          .filter((e) => e.action === action)
          .map((e) => e.outcome)
          .sort();
      assert.deepEqual(outcomes('POST /v5/:project_id/image/registries'), ['denied', 'success']);
      assert.deepEqual(outcomes('acr:DeleteRepoSyncRule'), ['denied', 'failure']);
      assert.deepEqual(outcomes('acr:ListRepoSyncRule'), []);
      const failed = [...seen.values()].filter(
        (e) => e.action === 'POST /api/v1/session' && e.outcome === 'unauthenticated',
      );
      assert.equal(failed.length, 2, 'the wrong password, and the old one after the change');
      assert.equal(failed[0]!.principal_name, 'vera');
      // Append-only: the table refuses an update.
      await assert.rejects(
        server.runtime.ctx.db.updateTable('audit_log').set({ status: 200 }).execute(),
        /append-only/,
      );
    });

    test('failed sign-ins are throttled per name as well as per address', async () => {
      const signIn = (name: string) =>
        call(server, 'POST', '/api/v1/session', { token: '', body: { name, password: 'guessing-guessing' } });
      // 20 failures per address and minute (the default), 10 per name: bruno's 11th try is refused unheard.
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) statuses.push((await signIn('bruno')).status);
      assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
      const refused = await signIn('bruno');
      assert.equal(refused.json.code, 'THROTTLED');
      assert.equal((await signIn('alice')).status, 401, 'another name from the same address is still heard');
      const right = { name: 'bruno', password: people.bruno!.password };
      const waits = await call(server, 'POST', '/api/v1/session', { token: '', body: right });
      assert.equal(waits.status, 429, 'even the right password waits out the window');
    });
  });
}

// The HSS facade end to end: a real Regatta (embedded PGlite, and PostgreSQL when DATABASE_URL is set) connects
// real Distribution registries, crawls them, and answers ListRegistry, ListRegistryImages and the sync task APIs
// in the seeds' shapes; errors in the HSS envelope; another project's data invisible.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freshPostgresDatabase } from '../support/database.js';
import { type BuiltImage, type BuiltIndex, buildImage, buildMultiArch, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { until } from '../support/until.js';
import { hssCall, type Json, startServer, type TestServer } from './server.js';

const hss = (server: TestServer, method: string, path: string, opts: Parameters<typeof hssCall>[3] = {}) =>
  hssCall(server.url, method, path, opts);

const engines = [{ name: 'pglite', url: undefined as string | undefined }];
if (process.env.DATABASE_URL) engines.push({ name: 'postgres', url: process.env.DATABASE_URL });

let basic: TestRegistry;
let anonymous: TestRegistry;
let token: TestRegistry;
let images: { app1: BuiltImage; app2: BuiltImage; multi: BuiltIndex };

before(async () => {
  [basic, anonymous, token] = await Promise.all([
    startRegistry({ auth: 'basic' }),
    startRegistry(),
    startRegistry({ auth: 'token' }),
  ]);
  images = {
    app1: await buildImage({ format: 'docker', seed: 'hss-1', created: '2024-01-01T00:00:00Z' }),
    app2: await buildImage({ format: 'oci', seed: 'hss-2', created: '2024-06-01T00:00:00Z' }),
    multi: await buildMultiArch('oci', 'hss-multi'),
  };
  await pushImage(basic, 'team/app', '1.0', images.app1);
  await pushImage(basic, 'team/app', '2.0', images.app2);
  await pushImage(basic, 'team/multi', 'v1', images.multi);
});
after(() => Promise.all([basic, anonymous, token].map((r) => r?.stop())));

for (const engine of engines) {
  describe(`HSS API on ${engine.name}`, () => {
    let server: TestServer;
    let dropDatabase = async () => {};
    before(async () => {
      const fresh = engine.url ? await freshPostgresDatabase(engine.url) : undefined;
      if (fresh) dropDatabase = fresh.drop;
      // Scan-on-sync off: these rows stay unscan (scan.test.ts and hss-scan.test.ts cover scanning).
      server = await startServer({ databaseUrl: fresh?.url, workerOptions: { scanOnSync: false } });
    });
    after(async () => {
      await server?.stop();
      await dropDatabase();
    });

    test('AddRegistry → success, an image-sync task lists every tag with digests and platforms', async () => {
      const add = await hss(server, 'POST', '/image/registries', {
        body: {
          registry_name: 'basic',
          registry_type: 'Other',
          protocol: 'http',
          registry_addr: basic.host,
          registry_username: basic.username,
          registry_password: basic.password,
        },
      });
      assert.equal(add.status, 200, JSON.stringify(add.json));
      assert.ok(add.headers['x-request-id']);
      const id = add.json.id as string;
      const row = await until('access success', async () => {
        const r = (await hss(server, 'GET', '/image/registries', { query: { registry_name: 'basic' } })).json
          .data_list[0];
        return r.status === 'accessing' ? undefined : r;
      });
      assert.equal(row.status, 'success', JSON.stringify(row));
      assert.equal(row.registry_password, undefined);
      assert.equal(row.registry_username, basic.username);

      const task = await hss(server, 'POST', '/image/image-sync/tasks', {
        body: { registry_info: [{ registry_id: id, registry_type: 'Other' }] },
      });
      assert.equal(task.status, 200, JSON.stringify(task.json));
      const taskRegistries = await until('sync finished', async () => {
        const r = await hss(server, 'GET', `/image/image-sync/tasks/${task.json.task_id}/registries`);
        return r.json.data_list.every((x: Json) => x.sync_status !== 'running') ? r.json : undefined;
      });
      assert.deepEqual(taskRegistries, {
        total_num: 1,
        data_list: [{ registry_id: id, registry_name: 'basic', registry_type: 'Other', sync_status: 'finished' }],
      });

      const list = await hss(server, 'GET', '/image/registries/images', {
        query: { registry_name: 'basic', limit: 200 },
      });
      assert.equal(list.status, 200);
      assert.equal(list.json.total_num, 3);
      const byTag = new Map(
        list.json.data_list.map((r: Json) => [`${r.namespace}/${r.image_name}:${r.image_version}`, r]),
      );
      assert.equal((byTag.get('team/app:1.0') as Json).image_digest, images.app1.digest);
      assert.equal((byTag.get('team/app:2.0') as Json).image_digest, images.app2.digest);
      const multi = byTag.get('team/multi:v1') as Json;
      assert.equal(multi.image_digest, images.multi.digest);
      assert.equal(multi.is_multiple_arch, true);
      assert.deepEqual(
        multi.association_images.map((a: Json) => a.image_digest).sort(),
        images.multi.children.map((c) => c.digest).sort(),
      );
      // One latest_version per repository: 2.0 is newer than 1.0 by its config's `created`.
      assert.deepEqual(
        list.json.data_list
          .filter((r: Json) => r.latest_version)
          .map((r: Json) => `${r.image_name}:${r.image_version}`)
          .sort(),
        ['app:2.0', 'multi:v1'],
      );
      assert.equal((byTag.get('team/app:1.0') as Json).latest_update_time, Date.parse('2024-01-01T00:00:00Z'));
      assert.equal((byTag.get('team/app:1.0') as Json).scan_status, 'unscan');

      const reg = (await hss(server, 'GET', '/image/registries', { query: { registry_id: id } })).json.data_list[0];
      assert.equal(reg.images_num, 3);
      assert.ok(reg.latest_sync_time > 0);
    });

    test('an unreachable registry is fail/REQUEST_API_ERROR and its sync failed; a wrong password fails with AUTH_FAILED', async () => {
      const down = await hss(server, 'POST', '/image/registries', {
        body: { registry_name: 'down', registry_type: 'Harbor', protocol: 'http', registry_addr: '127.0.0.1:9' },
      });
      await hss(server, 'POST', '/image/registries', {
        body: {
          registry_name: 'wrong',
          registry_type: 'Other',
          protocol: 'http',
          registry_addr: basic.host,
          registry_username: basic.username,
          registry_password: 'nope',
        },
      });
      const status = (name: string) =>
        until(`${name} checked`, async () => {
          const r = (await hss(server, 'GET', '/image/registries', { query: { registry_name: name } })).json
            .data_list[0];
          return r.status === 'accessing' ? undefined : r;
        });
      const d = await status('down');
      assert.equal(d.status, 'fail');
      assert.equal(d.fail_reason, 'REQUEST_API_ERROR');
      const w = await status('wrong');
      assert.equal(w.status, 'fail');
      assert.equal(w.fail_reason, 'AUTH_FAILED');
      const fails = await hss(server, 'GET', '/image/registries', {
        query: { status: 'fail', registry_type: 'Harbor,Other' },
      });
      assert.equal(fails.json.total_num, 2);

      const task = await hss(server, 'POST', '/image/image-sync/tasks', {
        body: { registry_info: [{ registry_id: down.json.id }] },
      });
      const regs = await until('sync failed', async () => {
        const r = await hss(server, 'GET', `/image/image-sync/tasks/${task.json.task_id}/registries`, {
          query: { sync_status: 'failed' },
        });
        return r.json.total_num === 1 ? r.json.data_list : undefined;
      });
      assert.equal(regs[0].failed_reason, 'REQUEST_API_ERROR');
      const tasks = await hss(server, 'GET', '/image/tasks', { query: { type: 'image_sync' } });
      assert.ok(tasks.json.data_list.some((t: Json) => t.task_id === task.json.task_id));
      const stats = await hss(server, 'GET', '/image/registries/statistics');
      assert.deepEqual(stats.json, { success_num: 1, fail_num: 2 });
    });

    test('out-of-range parameters answer 400 HSS.0001; no token is 401; another project is 403 HSS.0010', async () => {
      for (const query of [
        { limit: 5 },
        { limit: 201 },
        { offset: 2_000_001 },
        { offset: -1 },
        { registry_type: 'Nope' },
        { status: 'weird' },
      ]) {
        const r = await hss(server, 'GET', '/image/registries', { query });
        assert.equal(r.status, 400, JSON.stringify(query));
        assert.equal(r.json.error_code, 'HSS.0001');
        assert.match(r.json.error_msg, /Invalid parameter/);
      }
      const img = await hss(server, 'GET', '/image/registries/images', { query: { limit: 0 } });
      assert.equal(img.json.error_code, 'HSS.0001');
      const times = await hss(server, 'GET', '/image/registries/images', {
        query: { start_latest_update_time: 5, end_latest_update_time: 1 },
      });
      assert.equal(times.json.error_code, 'HSS.0001');
      const bad = await hss(server, 'POST', '/image/registries', {
        body: { registry_name: 'x', registry_type: 'Other', protocol: 'ftp', registry_addr: 'a' },
      });
      assert.equal(bad.status, 400);
      const anon = await hss(server, 'GET', '/image/registries', { token: 'nope' });
      assert.equal(anon.status, 401);
      assert.equal(anon.json.error_code, 'APIGW.0307');
      const other = await hss(server, 'GET', '/image/registries', { project: 'someone-else' });
      assert.equal(other.status, 403);
      assert.equal(other.json.error_code, 'HSS.0010');
    });

    test('anonymous and token-auth registries are accessed with success', async () => {
      for (const [name, reg] of [
        ['anon', anonymous],
        ['token', token],
      ] as const) {
        const body = {
          registry_name: name,
          registry_type: 'Other',
          protocol: 'http',
          registry_addr: reg.host,
          registry_username: reg.username,
          registry_password: reg.password,
        };
        assert.equal((await hss(server, 'POST', '/image/registries', { body })).status, 200);
        const row = await until(`${name} checked`, async () => {
          const r = (await hss(server, 'GET', '/image/registries', { query: { registry_name: name } })).json
            .data_list[0];
          return r.status === 'accessing' ? undefined : r;
        });
        assert.equal(row.status, 'success', JSON.stringify(row));
      }
    });

    test("another project's identity sees none of this project's registries or images", async () => {
      await server.runtime.ctx.identities.ensure({ projectId: 'other-project', name: 'other', token: 'other-token' });
      const opts = { token: 'other-token', project: 'other-project' };
      assert.equal((await hss(server, 'GET', '/image/registries', opts)).json.total_num, 0);
      assert.equal((await hss(server, 'GET', '/image/registries/images', opts)).json.total_num, 0);
      const mine = (await hss(server, 'GET', '/image/registries', { query: { registry_name: 'basic' } })).json
        .data_list[0];
      const steal = await hss(server, 'DELETE', `/image/registries/${mine.id}`, opts);
      assert.equal(steal.json.error_code, 'HSS.0011');
      assert.equal(
        (await hss(server, 'GET', '/image/registries', { query: { registry_name: 'basic' } })).json.total_num,
        1,
      );
    });

    test('instance_name and instance_url are on every row (default: the registry); instance_name filters by name', async () => {
      const all = (await hss(server, 'GET', '/image/registries/images', { query: { limit: 200 } })).json;
      assert.ok(all.total_num > 0);
      for (const r of all.data_list) {
        assert.equal(r.instance_name, r.registry_name);
        assert.match(r.instance_url, /^http:\/\/127\.0\.0\.1:\d+$/);
      }
      const reg = (await hss(server, 'GET', '/image/registries', { query: { registry_name: 'basic' } })).json
        .data_list[0];
      assert.equal(reg.instance_name, 'basic');
      const basicRows = all.data_list.filter((r: Json) => r.registry_name === 'basic').length;
      const body = { instance_name: 'cri-src', instance_id: 'cri-0001', instance_url: 'https://cri-src.example' };
      const put = await hss(server, 'PUT', `/image/registries/${reg.id}`, { body });
      assert.equal(put.status, 200, JSON.stringify(put.json));
      const named = (
        await hss(server, 'GET', '/image/registries/images', { query: { instance_name: 'cri-src', limit: 200 } })
      ).json;
      assert.equal(named.total_num, basicRows);
      for (const r of named.data_list) {
        assert.deepEqual(
          [r.registry_name, r.instance_name, r.instance_id, r.instance_url],
          ['basic', ...Object.values(body)],
        );
      }
      const byIdAsName = await hss(server, 'GET', '/image/registries/images', { query: { instance_name: 'cri-0001' } });
      assert.equal(byIdAsName.json.total_num, 0, 'instance_name does not match the id');
      const byId = await hss(server, 'GET', '/image/registries/images', {
        query: { instance_id: 'cri-0001', limit: 200 },
      });
      assert.equal(byId.json.total_num, basicRows);
      const listed = (await hss(server, 'GET', '/image/registries', { query: { registry_name: 'basic' } })).json
        .data_list[0];
      assert.equal(listed.instance_name, 'cri-src');
      assert.equal(listed.instance_url, 'https://cri-src.example');
    });
  });
}

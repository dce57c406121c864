// A crawl of a registry that misbehaves on some tags: an endless manifest body, bytes that do not match their
// digest, a redirect loop. The crawl finishes, stores every good tag, keeps the rows an earlier crawl made of
// the tags it can no longer read, and names each failed tag with its code in the registry's failed_reason.
// A document dripped a byte a second hits the per-request deadline (transport, a short one here).
import assert from 'node:assert/strict';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/oci/client.js';
import { buildImage, pushImage } from '../support/fixtures.js';
import { type HostileRegistry, startHostileRegistry } from '../support/hostile-registry.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { addRegistry, hssCall, inventorySync, type Json, startServer, type TestServer } from './server.js';

let registry: TestRegistry;
let hostile: HostileRegistry;
let server: TestServer;
const digests = new Map<string, string>();
const OTHER = { project: 'p-other-project-0001', token: 'other-project-token-0123456789' };

before(async () => {
  registry = await startRegistry();
  for (const tag of ['good1', 'good2', 'endless', 'lying', 'looping']) {
    const image = await buildImage({ format: 'oci', seed: `hostile-${tag}` });
    await pushImage(registry, 'shop/app', tag, image);
    digests.set(tag, image.digest);
  }
  hostile = await startHostileRegistry(registry.url);
  server = await startServer({ workerOptions: { scanOnSync: false } });
});
after(async () => {
  await server?.stop();
  await hostile?.stop();
  await registry?.stop();
});

const tags = async () => {
  const list = await hssCall(server.url, 'GET', '/image/registries/images', { query: { limit: 50 } });
  return (list.json.data_list as Json[]).map((r) => r.image_version).sort();
};

test('one bad tag does not fail the crawl: good tags stored, bad ones named with their code, old rows kept', async () => {
  const id = await addRegistry(server.url, { name: 'hostile', host: hostile.host });
  await inventorySync(server.url, [id]);
  assert.deepEqual(await tags(), ['endless', 'good1', 'good2', 'looping', 'lying'], 'a clean first crawl');

  // The same tags now misbehave; re-read, since their digests are pushed anew.
  for (const tag of ['endless', 'lying', 'looping']) {
    await pushImage(registry, 'shop/app', tag, await buildImage({ format: 'oci', seed: `hostile-${tag}-2` }));
  }
  const fresh = new RegistryClient(registry.host);
  try {
    for (const [tag, how] of [
      ['endless', 'endless'],
      ['lying', 'wrong-digest'],
      ['looping', 'redirect-loop'],
    ] as const) {
      const head = await fresh.manifestHead('shop/app', tag);
      hostile.misbehave(`/manifests/${head!.digest}`, how);
    }
  } finally {
    await fresh.close();
  }
  const task = await hssCall(server.url, 'POST', '/image/image-sync/tasks', {
    body: { registry_info: [{ registry_id: id }] },
  });
  const row = await (async () => {
    for (;;) {
      const r = await hssCall(server.url, 'GET', `/image/image-sync/tasks/${task.json.task_id}/registries`);
      const x = r.json.data_list?.[0];
      if (x && x.sync_status !== 'running') return x as Json;
      await new Promise((res) => setTimeout(res, 300));
    }
  })();
  assert.equal(row.sync_status, 'finished', JSON.stringify(row));
  assert.match(row.failed_reason, /^TAGS_UNREADABLE: 3 /);
  assert.match(row.failed_reason, /shop\/app:endless INVALID_RESPONSE/);
  assert.match(row.failed_reason, /shop\/app:lying DIGEST_INVALID/);
  assert.match(row.failed_reason, /shop\/app:looping TOO_MANY_REDIRECTS/);
  assert.deepEqual(await tags(), ['endless', 'good1', 'good2', 'looping', 'lying'], 'nothing dropped');
});

test('a document dripped a byte a second ends at the per-request deadline, not at the idle timeout', async () => {
  const head = await new RegistryClient(registry.host).manifestHead('shop/app', 'good1');
  hostile.misbehave(`/manifests/${head!.digest}`, 'drip');
  const client = new RegistryClient(hostile.host, { documentDeadlineMs: 1500 });
  try {
    await assert.rejects(client.manifestGet('shop/app', head!.digest), { code: 'REQUEST_TIMEOUT' });
  } finally {
    await client.close();
  }
});

test("one project's stuck registries do not keep another project's crawl waiting", async () => {
  // Two registries of this project that accept connections and never answer: each crawl holds its slot.
  const silent = createServer((socket) => sockets.push(socket));
  const sockets: Socket[] = [];
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as AddressInfo).port;
  try {
    const stuck = [];
    for (const name of ['stuck-1', 'stuck-2']) {
      stuck.push(await addRegistry(server.url, { name, host: `127.0.0.1:${port}`, wait: false }));
    }
    const slow = await hssCall(server.url, 'POST', '/image/image-sync/tasks', {
      body: { registry_info: stuck.map((registry_id) => ({ registry_id })) },
    });
    // Another project, one healthy registry.
    await server.runtime.ctx.identities.ensure({ projectId: OTHER.project, name: 'other', token: OTHER.token });
    const other = (method: 'GET' | 'POST', path: string, body?: unknown) =>
      hssCall(server.url, method, path, { body, project: OTHER.project, token: OTHER.token });
    const added = await other('POST', '/image/registries', {
      registry_name: 'healthy',
      registry_type: 'Other',
      protocol: 'http',
      registry_addr: registry.host,
    });
    const task = await other('POST', '/image/image-sync/tasks', { registry_info: [{ registry_id: added.json.id }] });
    for (;;) {
      const r = await other('GET', `/image/image-sync/tasks/${task.json.task_id}/registries`);
      if (r.json.data_list?.[0]?.sync_status === 'finished') break;
      await new Promise((res) => setTimeout(res, 200));
    }
    const first = await hssCall(server.url, 'GET', `/image/image-sync/tasks/${slow.json.task_id}/registries`);
    assert.ok(
      first.json.data_list.every((r: Json) => r.sync_status === 'running'),
      `the other project finished while these still ran: ${JSON.stringify(first.json.data_list)}`,
    );
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

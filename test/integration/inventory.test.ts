// Inventory syncs against a real registry, through the HSS API: a re-sync of unchanged tags reads no manifest
// (one HEAD per tag, counted by a pass-through proxy), changed tags are re-read, deleted tags disappear, and
// the CLI drives it all (`registry add|ls|rm`, `inventory sync --wait`, `images ls`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { buildImage, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { until } from '../support/until.js';
import { json, runCli } from './cli.js';
import { PROJECT, startServer, type TestServer, TOKEN } from './server.js';

let registry: TestRegistry;
let proxy: FaultProxy;
let server: TestServer;
const seen: string[] = [];

before(async () => {
  registry = await startRegistry();
  for (const tag of ['a', 'b', 'c'])
    await pushImage(registry, 'inv/app', tag, await buildImage({ format: 'oci', seed: `inv-${tag}` }));
  // Never faults: it only records every request the sync makes.
  proxy = await startFaultProxy({
    target: registry.url,
    rate: 0,
    match: (method, path) => {
      seen.push(`${method} ${path.split('?')[0]}`);
      return false;
    },
  });
  server = await startServer();
});
after(async () => {
  await server?.stop();
  await proxy?.stop();
  await registry?.stop();
});

const cli = (...args: string[]) => runCli([...args, '--server', server.url, '--token', TOKEN, '--project', PROJECT]);

async function rows(): Promise<Map<string, { id: number; image_digest: string }>> {
  const res = await request(`${server.url}/v5/${PROJECT}/image/registries/images?limit=200`, {
    headers: { 'x-auth-token': TOKEN },
  });
  const body = (await res.body.json()) as { data_list: { id: number; image_version: string; image_digest: string }[] };
  return new Map(body.data_list.map((r) => [r.image_version, { id: r.id, image_digest: r.image_digest }]));
}

test('the CLI connects a registry, syncs it, lists its images; a re-sync of unchanged tags reads no manifest', async () => {
  const add = await cli('registry', 'add', 'inv', proxy.host, '--protocol', 'http', '--json');
  assert.equal(add.code, 0, add.stderr);
  const sync = await cli('inventory', 'sync', '--wait', '--json');
  assert.equal(sync.code, 0, sync.stderr);
  assert.deepEqual(
    json<{ registries: { sync_status: string }[] }>(sync).registries.map((r) => r.sync_status),
    ['finished'],
  );
  const ls = await cli('images', 'ls', '--name', 'app');
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /inv\/app:a {2}sha256:/);
  assert.match(ls.stdout, /3 images$/m);
  const before = await rows();
  // The crawl asked for scans of the new digests (scan on sync); they read manifests too, so let them finish
  // before counting what the re-sync reads.
  await until('scan-on-sync done', async () => {
    const res = await request(`${server.url}/v5/${PROJECT}/image/registries/images?limit=200`, {
      headers: { 'x-auth-token': TOKEN },
    });
    const list = ((await res.body.json()) as { data_list: { scan_status: string }[] }).data_list;
    return list.every((r) => r.scan_status === 'success' || r.scan_status === 'failed') ? true : undefined;
  });

  seen.length = 0;
  assert.equal((await cli('inventory', 'sync', '--wait')).code, 0);
  const manifestReads = seen.filter((r) => r.startsWith('GET ') && r.includes('/manifests/'));
  assert.deepEqual(manifestReads, [], 'unchanged tags cost a HEAD only');
  assert.equal(seen.filter((r) => r.startsWith('HEAD ') && r.includes('/manifests/')).length, 3);
  assert.deepEqual(await rows(), before, 'same rows, same digests');

  // b changes, c goes away, d arrives.
  await pushImage(registry, 'inv/app', 'b', await buildImage({ format: 'oci', seed: 'inv-b2' }));
  await pushImage(registry, 'inv/app', 'd', await buildImage({ format: 'oci', seed: 'inv-d' }));
  const c = before.get('c')!;
  const del = await request(`${registry.url}/v2/inv/app/manifests/${c.image_digest}`, { method: 'DELETE' });
  assert.equal(del.statusCode, 202);
  await del.body.dump();
  assert.equal((await cli('inventory', 'sync', '--wait')).code, 0);
  const after = await rows();
  assert.deepEqual([...after.keys()].sort(), ['a', 'b', 'd']);
  assert.equal(after.get('a')!.id, before.get('a')!.id);
  assert.notEqual(after.get('b')!.image_digest, before.get('b')!.image_digest);

  const regs = await cli('registry', 'ls', '--json');
  const [reg] = json<{ data_list: { id: string; images_num: number }[] }>(regs).data_list;
  assert.equal(reg!.images_num, 3);
  assert.equal((await cli('registry', 'rm', reg!.id)).code, 0);
  assert.equal((await rows()).size, 0, 'a registry takes its inventory with it');
});

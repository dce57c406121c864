// A rule run through the server over 12 repositories whose images share one base layer: the base layer crosses
// to the target registry once, and every other repository mounts it there, as `regatta sync` does. Counted at
// the target (a pass-through proxy records completed uploads and mount requests); every image digest-identical.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { pushImage } from '../support/fixtures.js';
import { buildLayeredImage } from '../support/layered-image.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { skopeoInspectRaw } from '../support/skopeo.js';
import { until } from '../support/until.js';
import { addRegistry, apiCall, type Json, runRule, startServer, type TestServer } from './server.js';

const REPOS = 12;
const BASE = [{ name: 'etc/base-release', content: `base ${'x'.repeat(4096)}\n` }];

let src: TestRegistry;
let dst: TestRegistry;
let proxy: FaultProxy;
let server: TestServer;
const uploads: string[] = [];
const mounts: string[] = [];
let baseDigest: string;

before(async () => {
  [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
  for (let i = 0; i < REPOS; i++) {
    const image = await buildLayeredImage([
      { entries: BASE },
      { entries: [{ name: `app/${i}`, content: `app ${i}` }] },
    ]);
    baseDigest = image.blobs[1]!.digest;
    await pushImage(src, `shop/app-${i}`, '1.0', image);
  }
  proxy = await startFaultProxy({
    target: dst.url,
    rate: 0,
    match: (method, path) => {
      const q = new URL(path, 'http://x').searchParams;
      if (method === 'PUT' && q.get('digest')) uploads.push(q.get('digest')!);
      if (method === 'POST' && q.get('mount')) mounts.push(q.get('mount')!);
      return false;
    },
  });
  server = await startServer();
});
after(async () => {
  await server?.stop();
  await proxy?.stop();
  await Promise.all([src?.stop(), dst?.stop()]);
});

test('a base layer shared by a rule run’s images crosses once per target registry, then is mounted', async () => {
  const srcId = await addRegistry(server.url, { name: 'src', host: src.host });
  const dstId = await addRegistry(server.url, { name: 'dst', host: proxy.host });
  const rule = await apiCall(server.url, 'POST', '/rules', {
    body: { source: { registry_id: srcId, namespace: 'shop' }, target: { registry_id: dstId, namespace: 'mirror' } },
  });
  const run = await runRule(server.url, rule.json.id);
  assert.equal(run.status, 202, JSON.stringify(run.json));
  const tasks = await until(
    'the batch ended',
    async () => {
      const r = await apiCall(server.url, 'GET', `/tasks?batch_id=${run.json.batch_id}&limit=100`);
      const all = r.json.tasks as Json[];
      return all.length === REPOS && all.every((t) => t.status === 'SUCCESS' || t.status === 'ERROR') ? all : undefined;
    },
    120_000,
  );
  assert.deepEqual(
    tasks.filter((t) => t.status !== 'SUCCESS'),
    [],
  );
  assert.equal(uploads.filter((d) => d === baseDigest).length, 1, 'the base layer was uploaded once');
  assert.equal(mounts.filter((d) => d === baseDigest).length, REPOS - 1, 'and mounted into every other repository');
  for (const i of [0, REPOS - 1]) {
    const [from, to] = await Promise.all([
      skopeoInspectRaw(`${src.host}/shop/app-${i}:1.0`),
      skopeoInspectRaw(`${dst.host}/mirror/app-${i}:1.0`),
    ]);
    assert.ok(to.equals(from), `app-${i} is digest-identical`);
  }
});

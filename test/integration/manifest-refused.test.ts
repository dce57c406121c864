// A target that refuses a manifest because a blob it names is not in the repository (MANIFEST_BLOB_UNKNOWN: seen
// from Distribution while two worker processes send the same blobs) gets one more copy with every blob checked
// at the target: the task ends SUCCESS, digest-identical. A loopback proxy in front of a real registry refuses the
// first manifest PUT so; everything else passes through untouched.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { buildImage, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { sha256Hex, skopeoInspectRaw } from '../support/skopeo.js';
import { until } from '../support/until.js';
import { addRegistry, apiCall, type Json, runRule, startServer, type TestServer } from './server.js';

let server: TestServer;
let src: TestRegistry;
let dst: TestRegistry;
let proxy: Server;
let refused = 0;

/** Forwards to `target`, except that the first manifest PUT is refused with MANIFEST_BLOB_UNKNOWN. */
async function refuseFirstManifestPut(target: string): Promise<{ server: Server; host: string }> {
  const s = createServer((req, res) => {
    if (req.method === 'PUT' && /\/manifests\//.test(req.url ?? '') && refused === 0) {
      refused++;
      req.resume();
      const body = { errors: [{ code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry' }] };
      res.writeHead(400, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(body));
    }
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { server: s, host: `127.0.0.1:${(s.address() as AddressInfo).port}` };
}

before(async () => {
  server = await startServer();
  [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
});
after(async () => {
  await server?.stop();
  proxy?.closeAllConnections();
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  await src?.stop();
  await dst?.stop();
});

test('a manifest refused for a missing blob is copied again with every blob checked, and the task succeeds', async () => {
  const image = await buildImage({ format: 'oci', seed: 'refused', layers: 2 });
  await pushImage(src, 'team/app', 'v1', image);
  const front = await refuseFirstManifestPut(dst.url);
  proxy = front.server;
  const rule = await apiCall(server.url, 'POST', '/rules', {
    body: {
      source: { registry_id: await addRegistry(server.url, { name: 'src', host: src.host }), namespace: 'team' },
      target: { registry_id: await addRegistry(server.url, { name: 'dst', host: front.host }), namespace: 'copy' },
    },
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.json));
  const run = await runRule(server.url, rule.json.id);
  const task = await until('the task ended', async () => {
    const { json } = await apiCall(server.url, 'GET', `/tasks?batch_id=${run.batch_id}`);
    const t = json.tasks[0] as Json | undefined;
    return t && !['PENDING', 'SYNCHRONIZING'].includes(t.status) ? t : undefined;
  });
  assert.equal(refused, 1, 'the target refused the first manifest');
  assert.equal(task.status, 'SUCCESS', `${task.issue}: ${task.issue_detail}`);
  assert.equal(sha256Hex(await skopeoInspectRaw(`${dst.host}/copy/app:v1`)), image.digest);
});

// Outgoing webhooks: a receiver on loopback gets a signed CloudEvents JSON event when a sync task ends (with its
// status and TaskIssue) and when a scan ends; a receiver that answers 500 at first gets the event again later.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { buildImage, pushImage } from '../support/fixtures.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { until } from '../support/until.js';
import { addRegistry, apiCall, inventorySync, type Json, runRule, startServer, type TestServer } from './server.js';

const SECRET = 'webhook-secret-0123';
let server: TestServer;
let receiver: Server;
let src: TestRegistry;
let dst: TestRegistry;
const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
let refuseFirst = 1;

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (refuseFirst-- > 0) return res.writeHead(500).end();
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  server = await startServer({ env: { REGATTA_WEBHOOK_URL: url, REGATTA_WEBHOOK_SECRET: SECRET } });
  [src, dst] = await Promise.all([startRegistry(), startRegistry()]);
  await pushImage(src, 'hook/app', '1', await buildImage({ format: 'oci', seed: 'hook' }));
});
after(async () => {
  await server?.stop();
  await Promise.all([src?.stop(), dst?.stop()]);
  receiver?.closeAllConnections();
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
});

test('a finished sync task and a finished scan are posted as signed CloudEvents, retried past a 500', async () => {
  const from = await addRegistry(server.url, { name: 'hook-src', host: src.host });
  const to = await addRegistry(server.url, { name: 'hook-dst', host: dst.host });
  const rule = await apiCall(server.url, 'POST', '/rules', {
    body: {
      source: { registry_id: from, namespace: 'hook', repository: 'app' },
      target: { registry_id: to, namespace: 'copied' },
    },
  });
  const run = await runRule(server.url, rule.json.id);
  assert.equal(run.tasks, 1);
  const event = await until(
    'the sync task event',
    async () =>
      received
        .map((r) => ({ ...r, json: JSON.parse(r.body) as Json }))
        .find((r) => r.json.type === 'io.regatta.sync.task.finished'),
    60_000,
  );
  assert.equal(event.headers['content-type'], 'application/cloudevents+json; charset=utf-8');
  const expected = `sha256=${createHmac('sha256', SECRET).update(event.body).digest('hex')}`;
  assert.equal(event.headers['x-regatta-signature'], expected);
  assert.equal(event.json.specversion, '1.0');
  assert.equal(event.json.source, 'regatta');
  assert.match(event.json.id, /^[0-9a-f-]{36}$/);
  assert.equal(event.json.data.status, 'SUCCESS');
  assert.equal(event.json.data.target.repository, 'copied/app');
  assert.equal(event.json.data.issue, null);

  // An inventory sync scans the new digest (scan-on-sync; no advisories here): its end is an event too.
  await inventorySync(server.url, [from]);
  const scan = await until(
    'the scan event',
    async () => received.map((r) => JSON.parse(r.body) as Json).find((e) => e.type === 'io.regatta.scan.finished'),
    60_000,
  );
  assert.ok(['success', 'failed'].includes(scan.data.status));
  assert.match(scan.subject, /^sha256:/);
});

// /readyz and /metrics of a running server: ready once the database and the job queue answer; metrics only for
// the scrape token or the bootstrap admin (a project's token may not see every project's figures), in Prometheus' text format, counting requests by route and
// reporting the shared queue, sync tasks and scans, and requests to registries by host, status and error code.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { request } from 'undici';
import { startRegistry } from '../support/registry.js';
import { until } from '../support/until.js';
import { addRegistry, startServer, type TestServer, TOKEN } from './server.js';

let server: TestServer;
const SCRAPE = 'prometheus-scrape-token-0123456789';
const OTHER = 'another-project-token-0123456789';
before(async () => {
  server = await startServer({ app: { metricsToken: SCRAPE } });
  await server.runtime.ctx.identities.ensure({ projectId: 'p-another', name: 'another', token: OTHER });
});
after(async () => {
  await server?.stop();
});

test('readyz answers ready; metrics need a token and count requests by route', async () => {
  const ready = await request(`${server.url}/readyz`);
  assert.equal(ready.statusCode, 200);
  // No scan data on this server: said, but never a reason to be unready.
  assert.deepEqual(await ready.body.json(), {
    status: 'ready',
    vulndb: { updated_at: null, age_seconds: null, stale: true, feeds: {} },
  });
  for (let i = 0; i < 3; i++) await (await request(`${server.url}/healthz`)).body.dump();

  const anonymous = await request(`${server.url}/metrics`);
  assert.equal(anonymous.statusCode, 401);
  await anonymous.body.dump();
  const res = await request(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = await res.body.text();
  assert.match(text, /regatta_http_requests_total\{method="GET",route="\/healthz",status="200"\} 3/);
  for (const name of [
    'regatta_jobs',
    'regatta_queue_depth',
    'regatta_sync_tasks',
    'regatta_sync_bytes_copied',
    'regatta_scans',
    'regatta_scan_duration_seconds',
    'regatta_rate_limit_waits_total',
    'regatta_process_resident_memory_bytes',
    'regatta_nodejs_eventloop_lag_seconds',
  ]) {
    assert.match(text, new RegExp(`# HELP ${name} `), name);
  }
  // The queue's own jobs (the push-poll schedule) are there, by queue and state.
  assert.match(text, /regatta_jobs\{queue="push-poll",state="[a-z]+"\} \d+/);
});

test('metrics cover every project: the scrape token and the bootstrap admin read them, a project token may not', async () => {
  const scrape = await request(`${server.url}/metrics`, { headers: { authorization: `Bearer ${SCRAPE}` } });
  assert.equal(scrape.statusCode, 200);
  await scrape.body.dump();
  const project = await request(`${server.url}/metrics`, { headers: { 'x-auth-token': OTHER } });
  assert.equal(project.statusCode, 403);
  assert.equal(((await project.body.json()) as { code: string }).code, 'FORBIDDEN');
  const wrong = await request(`${server.url}/metrics`, { headers: { authorization: 'Bearer not-the-scrape-token' } });
  assert.equal(wrong.statusCode, 401);
  await wrong.body.dump();
});

test('requests to registries are counted by host, method, status and error code', async () => {
  const registry = await startRegistry();
  try {
    await addRegistry(server.url, { name: 'up', host: registry.host });
    // Nothing listens on port 1 of loopback: the access check gets no answer at all.
    await addRegistry(server.url, { name: 'down', host: '127.0.0.1:1', wait: false });
    const metrics = async () => {
      const res = await request(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return res.body.text();
    };
    const up = `regatta_registry_requests_total{host="${registry.host}",method="GET",status="200",code="OK"}`;
    const down = 'regatta_registry_requests_total{host="127.0.0.1:1",method="GET",status="none",code="NETWORK_ERROR"}';
    const text = await until('both registries checked', async () => {
      const t = await metrics();
      return t.includes(up) && t.includes(down) ? t : undefined;
    });
    assert.match(text, /# HELP regatta_registry_requests_total /);
  } finally {
    await registry.stop();
  }
});
